import ArgumentParser
import ETLRuntimeCore
import Foundation

extension PluginLocationOptions {
    /// Reads the manifest's state path and entries (no plugins, no secrets needed), or prints
    /// the problem and exits 78. The `.env` beside the manifest is exported here, while the
    /// command has one thread, so a PostgreSQL state's `password_env` is found there as in `run`.
    func loadStateContext() throws -> StateContext {
        do {
            let context = try StateContext.load(manifestPath: manifestPath, environment: ProcessInfo.processInfo.environment)
            context.outline.exportDotEnv()
            return context
        } catch {
            for issue in error.issues { Console.error("\(issue)") }
            Console.error("\(error.manifestPath): the state database cannot be found from this manifest; nothing was read")
            throw ExitCodes.invalidConfiguration
        }
    }
}
