import Foundation

/// The project's Python (`.venv/bin/python`, made by `make venv`): pyarrow, DuckDB and
/// fastparquet for the Parquet interop tests, moto and gcp-storage-emulator for the object-store
/// tests, the ADBC driver wheels for the adbc tests.
public enum ProjectPython {
    /// Why the interpreter cannot be used.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The interpreter's path; fails with the fix when `make venv` has not run.
    public static func executable() throws -> String {
        let path = TestPaths.source(".venv/bin/python")
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw Failure(description: "\(path) is missing: run `make venv` (or `make test`) to create the project's Python environment")
        }
        return path
    }

    /// Runs `code` with `arguments` (as `sys.argv[1...]`) and returns its standard output;
    /// a non-zero exit throws with its standard error, so a test fails with Python's own message.
    @discardableResult
    public static func run(_ code: String, _ arguments: [String] = [], environment: [String: String] = [:]) throws -> String {
        var merged = ProcessInfo.processInfo.environment
        environment.forEach { merged[$0.key] = $0.value }
        let outcome = try ProcessRunner.run(try executable(), ["-c", code] + arguments, environment: merged)
        guard outcome.status == 0, !outcome.signalled else {
            throw Failure(description: "python exited with \(outcome.status):\n\(outcome.stderr)")
        }
        return outcome.stdout
    }

    /// The folder of an installed package inside the environment (e.g. `adbc_driver_sqlite`),
    /// where wheels keep their shared libraries.
    public static func packageFolder(_ module: String) throws -> String {
        let printed = try run("import importlib, os, sys; print(os.path.dirname(importlib.import_module(sys.argv[1]).__file__))", [module])
        return printed.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
