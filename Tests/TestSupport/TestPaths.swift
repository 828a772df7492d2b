import Foundation

/// Where the package and its build products are, seen from a running test.
public enum TestPaths {
    /// The package root (this file is Tests/TestSupport/TestPaths.swift).
    public static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The folder SwiftPM built into (`.build/debug`): the test bundle sits in it,
    /// beside `etl-runtime` and the plugin libraries.
    public static let buildDirectory: String = {
        if let explicit = ProcessInfo.processInfo.environment["ETL_BUILD_DIR"] { return explicit }
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        var folder = bundle.deletingLastPathComponent()
        // On Linux arguments[0] is the .xctest binary itself; elsewhere it may be inside it.
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("etl-runtime").path),
            folder.path != "/"
        {
            folder.deleteLastPathComponent()
        }
        return folder.resolvingSymlinksInPath().path
    }()

    /// The built `etl-runtime` executable.
    public static var runtimeExecutable: String { buildDirectory + "/etl-runtime" }

    /// A path inside the package.
    public static func source(_ relative: String) -> String { packageRoot + "/" + relative }
}
