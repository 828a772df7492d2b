import ETLJSON
import ETLRuntimeCore
import Foundation

/// The manifest's sinks as the table viewer sees them: a SQLite sink's database file, a
/// PostgreSQL sink's connection, or why the viewer cannot show a sink.
struct SinkDatabases: Sendable {
    enum Access: Sendable {
        case sqlite(path: String)
        case postgres(PostgresSinkConnection)
        case unavailable(reason: String)

        /// Opens the sink's database for reading.
        func open() throws(SinkReadFailure) -> any SinkTableReader {
            switch self {
            case .sqlite(let path): return try SQLiteTableReader(path: path)
            case .postgres(let connection): return try PostgresTableReader(connection)
            case .unavailable(let reason): throw SinkReadFailure(description: reason)
            }
        }
    }

    /// Sink name → how to read it, in name order.
    let sinks: [(name: String, plugin: String, access: Access)]
    /// Why no sink can be shown (the manifest does not load), if so.
    let problem: String?

    init(manifest: Manifest) {
        sinks = manifest.sinks.sorted { $0.name < $1.name }.map { sink in
            if sink.plugin == "sqlite", let path = sink.config["path"]?.stringValue {
                return (sink.name, sink.plugin, .sqlite(path: path))
            }
            if sink.plugin == "postgres", let members = sink.config.objectValue {
                var config: [String: String] = [:]
                for member in members.members {
                    config[member.key] = member.value.stringValue ?? member.value.serialized()
                }
                // getenv: the manifest's .env was exported at load, as the plugin itself reads it.
                switch PostgresSinkConnection.from(config: config, environment: { getenv($0).map { String(cString: $0) } }) {
                case .success(let connection): return (sink.name, sink.plugin, .postgres(connection))
                case .failure(let failure): return (sink.name, sink.plugin, .unavailable(reason: failure.description))
                }
            }
            // An ADBC driver's tables would need the driver's own catalog calls.
            return (sink.name, sink.plugin, .unavailable(reason: "the viewer reads sqlite and postgres sinks; this one uses the \(sink.plugin) plugin"))
        }
        problem = nil
    }

    init(problem: String) {
        sinks = []
        self.problem = problem
    }

    func access(_ name: String) -> Access? {
        sinks.first { $0.name == name }?.access
    }
}
