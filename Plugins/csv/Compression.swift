import ETLPluginKit

/// How a file's bytes are compressed (`compression`): told by its name (`.gz`, `.zip`) by
/// default, or set for every file.
enum Compression: String, Sendable {
    case auto, none, gzip, zip

    /// Reads `compression` (default `auto`).
    static func parse(_ config: PluginConfig) throws(PluginError) -> Compression {
        let name = try config.string("compression", default: "auto")
        guard let value = Compression(rawValue: name) else {
            throw .invalidConfig("\(config.path).compression \"\(name)\" is not supported; use \"auto\" (by the file name: .gz, .zip), \"none\", \"gzip\" or \"zip\"")
        }
        return value
    }

    /// What applies to the file at `path` (a path or URL).
    func resolved(for path: String) -> Compression {
        guard self == .auto else { return self }
        let name = path.split(separator: "?", maxSplits: 1).first.map { $0.lowercased() } ?? ""
        if name.hasSuffix(".gz") || name.hasSuffix(".gzip") { return .gzip }
        if name.hasSuffix(".zip") { return .zip }
        return .none
    }
}
