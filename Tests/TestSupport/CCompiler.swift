import Foundation

/// Builds C plugin sources the way a third-party author would: `cc -shared -fPIC` and
/// the SDK header, nothing else.
public enum CCompiler {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Compiles `source` (relative to the package root, or absolute) into `output`.
    public static func sharedLibrary(_ source: String, output: String, defines: [String] = []) throws {
        let sourcePath = source.hasPrefix("/") ? source : TestPaths.source(source)
        let arguments =
            ["-std=c99", "-Wall", "-Wextra", "-pedantic", "-Werror", "-shared", "-fPIC", "-fvisibility=hidden",
             "-I", TestPaths.source("SDK/include")]
            + defines.map { "-D" + $0 } + [sourcePath, "-o", output]
        let outcome = try ProcessRunner.run("/usr/bin/cc", arguments)
        guard outcome.status == 0 else {
            throw Failure(description: "cc \(arguments.joined(separator: " ")) failed:\n\(outcome.stderr)")
        }
    }
}
