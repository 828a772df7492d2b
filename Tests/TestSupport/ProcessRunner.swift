import Foundation

/// The outcome of running a program to completion.
public struct ProcessOutcome: Sendable {
    public var status: Int32
    /// True when the process was killed by a signal (status is then the signal).
    public var signalled: Bool
    public var stdout: String
    public var stderr: String
}

/// Runs real processes for end-to-end tests.
public enum ProcessRunner {
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        currentDirectory: String? = nil
    ) throws -> ProcessOutcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes concurrently so a chatty child never blocks on a full pipe.
        let errBox = DataBox()
        let done = DispatchSemaphore(value: 0)
        let errHandle = err.fileHandleForReading
        DispatchQueue.global().async {
            errBox.data = errHandle.readDataToEndOfFile()
            done.signal()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        done.wait()
        let errData = errBox.data
        return ProcessOutcome(
            status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
            stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs the built `etl-runtime` with `arguments`.
    public static func etlRuntime(
        _ arguments: [String], environment: [String: String] = [:], currentDirectory: String? = nil
    ) throws -> ProcessOutcome {
        var merged = ProcessInfo.processInfo.environment
        merged.removeValue(forKey: "ETL_PLUGIN_PATH")
        environment.forEach { merged[$0.key] = $0.value }
        return try run(TestPaths.runtimeExecutable, arguments, environment: merged, currentDirectory: currentDirectory)
    }
}

/// Carries the stderr bytes from the reader queue; the semaphore orders the access.
private final class DataBox: @unchecked Sendable {
    var data = Data()
}
