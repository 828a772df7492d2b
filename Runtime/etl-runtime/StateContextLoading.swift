import ArgumentParser
import ETLRuntimeCore
import Foundation

extension PluginLocationOptions {
    /// Reads the manifest's state path and entries (no plugins, no secrets needed), or prints
    /// the problem and exits 78.
    func loadStateContext() throws -> StateContext {
        do {
            return try StateContext.load(manifestPath: manifestPath, environment: ProcessInfo.processInfo.environment)
        } catch {
            for issue in error.issues { Console.error("\(issue)") }
            Console.error("\(error.manifestPath): the state database cannot be found from this manifest; nothing was read")
            throw ExitCodes.invalidConfiguration
        }
    }
}
