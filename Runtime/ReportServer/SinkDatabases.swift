import ETLJSON
import ETLRuntimeCore

/// The manifest's sinks as the table viewer sees them: a SQLite sink's database file, or why
/// the viewer cannot show a sink.
struct SinkDatabases: Sendable {
    enum Access: Sendable {
        case sqlite(path: String)
        case unavailable(reason: String)
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
            // PostgreSQL and ADBC sinks need the sink's credentials and a server round trip per
            // page; the viewer reads SQLite files only for now.
            return (sink.name, sink.plugin, .unavailable(reason: "the viewer reads sqlite sinks only; this one uses the \(sink.plugin) plugin"))
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
