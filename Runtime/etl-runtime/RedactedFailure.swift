import ArgumentParser
import ETLRuntimeCore

extension ManifestContext {
    /// Runs a command's plugin work. A plugin's error may echo its config (a path, a URL, a
    /// query), so one that escapes is printed here with the manifest's secrets replaced by
    /// their placeholders, and the command exits 1, instead of reaching the argument parser,
    /// which would print it as it is.
    func printingRedactedErrors<Value>(_ body: () throws -> Value) throws -> Value {
        do {
            return try body()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            Console.error("Error: \(manifest.redacting("\(error)"))")
            throw ExitCode.failure
        }
    }
}
