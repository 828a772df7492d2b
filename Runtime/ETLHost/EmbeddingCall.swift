import CETLPlugin
import ETLArrow
import ETLRuntimeCore
import Glibc

/// An error of the embedding API, carrying the status to return.
struct EmbeddingError: Error {
    var status: etl_status
    var message: String
    init(_ status: etl_status, _ message: String) {
        self.status = status
        self.message = message
    }
}

/// Runs one embedding API call: maps every Swift error to a status code and a message
/// copied into the caller's buffer.
struct EmbeddingCall {
    let errorMessage: UnsafeMutablePointer<CChar>?
    let errorCapacity: Int

    init(_ errorMessage: UnsafeMutablePointer<CChar>?, _ errorCapacity: Int) {
        self.errorMessage = errorMessage
        self.errorCapacity = errorCapacity
    }

    func run(_ body: () throws -> Void) -> Int32 {
        do {
            try body()
            return ETL_OK
        } catch let error as EmbeddingError {
            return fail(error.status, error.message)
        } catch let error as PluginCallError {
            return fail(error.status, error.description)
        } catch let error as PluginLoadFailure {
            return fail(ETL_INVALID_CONFIG, error.description)
        } catch let error as ArrowError {
            return fail(ETL_BAD_DATA, error.message)
        } catch {
            return fail(ETL_INTERNAL, "\(error)")
        }
    }

    private func fail(_ status: etl_status, _ message: String) -> Int32 {
        if let errorMessage, errorCapacity > 0 {
            let bytes = Array(message.utf8.prefix(errorCapacity - 1))
            for (index, byte) in bytes.enumerated() { errorMessage[index] = CChar(bitPattern: byte) }
            errorMessage[bytes.count] = 0
        }
        return status
    }

    static func text(_ pointer: UnsafePointer<CChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    /// Finds `plugin` in the colon-separated folders and loads it into this process.
    static func loadPlugin(_ directories: UnsafePointer<CChar>?, _ plugin: UnsafePointer<CChar>?) throws -> LoadedPlugin {
        let folders = (text(directories) ?? "").split(separator: ":").map(String.init)
        let searchPath = PluginSearchPath(commandLineFolders: folders, manifestFolders: [], environment: [:], executablePath: nil)
        let catalog = PluginCatalog.discover(searchPath, probe: .inProcess)
        return try catalog.loadPlugin(named: text(plugin) ?? "")
    }
}
