import ETLJSON

/// Whether `validate` and `run --dry-run` may ask a source's `discover` for its streams' columns
/// (to type-check an entry's transforms, and the columns a sink built before ABI 1.2 would
/// receive, before anything runs). `validate` asks only when the answer costs no network request
/// and a bounded amount of local work, since it runs in editors, CI and pre-commit hooks, often
/// where the servers are out of reach. `run --dry-run` runs where `run` runs, so it also asks a
/// database server (`DiscoveryReach.databaseServers`, with a deadline), but still sends no request
/// to an API or a remote file, whose reads may cost money, quota or rate limit.
///
/// The ABI does not say what a plugin's discover does, so this knows the built-in sources by
/// name (a third-party library cannot take a built-in's name):
/// - `csv` reads the header of the first local file matching its path and, with no columns
///   declared, samples its first `infer_rows` records (1000 by default) for their types. A remote
///   file (`https://`, `sftp://`) would be fetched for its header, and an sftp glob listed, so a
///   remote path is discovered only without a header and with the columns declared.
/// - `sqlite` opens its local database file read-only and compiles the table's or query's columns;
///   it reads no row.
/// - `postgres` connects to its server and asks for its table's or query's columns (`LIMIT 0`, no
///   row): by `run --dry-run` only.
/// - `http` learns an undeclared stream's columns from the API's first page: only a config that
///   declares the columns of every stream is discovered (it then answers from the config).
/// - Any other source: only when its config declares its columns (`columns`, or `columns` on every
///   stream), the convention the built-ins follow.
package enum OfflineDiscovery {
    /// Nil when `endpoint`'s discover may be asked with `reach`; otherwise why not, as the end of
    /// a note ("transforms are type-checked when run opens the stream: ...").
    package static func refusal(_ endpoint: ManifestEndpoint, reach: DiscoveryReach) -> String? {
        let config = endpoint.config
        switch endpoint.plugin {
        case "csv":
            guard let path = config["path"]?.stringValue, isRemote(path) else { return nil }
            let headerless = config["header"] == .bool(false)
            let declared = TransformSchemaCheck.declaresColumns(config) || config["columns_from"]?.stringValue != nil
            if headerless && declared && !path.contains(where: { "*?[".contains($0) }) { return nil }
            return "source \"\(endpoint.name)\" reads a remote file, whose header validate does not fetch (it sends no "
                + "requests); set \"header\": false and declare \"columns\" to check them here"
        case "sqlite":
            return nil
        case "postgres":
            guard reach == .offline else { return nil }
            return "source \"\(endpoint.name)\" (plugin postgres) reads a database server, which validate does not connect "
                + "to; run --dry-run connects and checks them"
        case "http":
            guard !TransformSchemaCheck.declaresColumns(config) else { return nil }
            return "source \"\(endpoint.name)\" (plugin http) learns a stream's columns from the API's first page, and "
                + "validate sends no requests; declare \"columns\" on every stream of the source to check them here"
        default:
            guard !TransformSchemaCheck.declaresColumns(config) else { return nil }
            return "source \"\(endpoint.name)\" (plugin \"\(endpoint.plugin)\") declares no \"columns\" in its config, and "
                + "validate asks a plugin it does not know to be local (only csv files and sqlite are) for its columns "
                + "only when they are declared"
        }
    }

    /// Whether `endpoint`'s discover asks a server (so it runs with `reach`'s deadline).
    package static func asksServer(_ endpoint: ManifestEndpoint) -> Bool {
        endpoint.plugin == "postgres"
    }

    /// `scheme://...`: a URL the csv source fetches (https, http, sftp), not a local path.
    private static func isRemote(_ path: String) -> Bool {
        guard let separator = path.range(of: "://") else { return false }
        let scheme = path[..<separator.lowerBound]
        return !scheme.isEmpty && scheme.allSatisfy { $0.isLetter || $0.isNumber || "+-.".contains($0) }
    }
}
