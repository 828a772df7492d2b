import Foundation

/// Every plugin found on the search path, the files that could not be used, and name
/// clashes. Built without running any data path: only each library's entry function.
public struct PluginCatalog: Sendable, PluginContractProviding {
    public var searchPath: PluginSearchPath
    /// Plugins in search order.
    public var plugins: [PluginInfo]
    /// Files that were refused or failed to load, in search order.
    public var failures: [PluginLoadFailure]

    public init(searchPath: PluginSearchPath, plugins: [PluginInfo], failures: [PluginLoadFailure]) {
        self.searchPath = searchPath
        self.plugins = plugins
        self.failures = failures
    }

    /// Scans the search path and loads every candidate, in this process or in a child
    /// process (see `PluginProber`).
    public static func discover(_ searchPath: PluginSearchPath, probe: PluginProbeMode) -> PluginCatalog {
        let scan = PluginFileScanner.scan(searchPath)
        let results = PluginProber.probe(scan.candidates, mode: probe)
        var plugins: [PluginInfo] = []
        var failures = scan.refused
        for result in results {
            switch result {
            case .success(let found): plugins += found
            case .failure(let failure): failures.append(failure)
            }
        }
        return PluginCatalog(searchPath: searchPath, plugins: plugins, failures: failures)
    }

    /// Plugin names offered by more than one library file for the same kind, with
    /// those files. (A source and a sink may share a name, like `sqlite`.)
    public var duplicateNames: [String: [String]] {
        Dictionary(grouping: plugins, by: { "\($0.kind.rawValue) \($0.name)" })
            .filter { $0.value.count > 1 }
            .reduce(into: [:]) { result, group in result[group.value[0].name, default: []] += group.value.map(\.libraryPath) }
    }

    /// The problem with a plugin name, if it is ambiguous for `kind` (or any kind).
    public func duplicateProblem(_ name: String, kind: PluginKind? = nil) -> String? {
        let clashing = plugins.filter { $0.name == name && (kind == nil || $0.kind == kind) }
        let kinds = Dictionary(grouping: clashing, by: \.kind).filter { $0.value.count > 1 }
        guard let paths = kinds.values.first?.map(\.libraryPath) else { return nil }
        return "two plugins are named \"\(name)\": \(paths.joined(separator: " and ")); remove or rename one of them"
    }

    public func contract(forPlugin name: String) -> PluginContractLookup {
        lookup(name, kind: nil)
    }

    public func contract(forPlugin name: String, kind: PluginKind) -> PluginContractLookup {
        // A name that exists only with the other kind is returned as is, so the
        // manifest reports the kind mismatch rather than "not found".
        plugins.contains { $0.name == name && $0.kind == kind } ? lookup(name, kind: kind) : lookup(name, kind: nil)
    }

    private func lookup(_ name: String, kind: PluginKind?) -> PluginContractLookup {
        if let problem = duplicateProblem(name, kind: kind) { return .unusable(reason: problem) }
        if let info = plugins.first(where: { $0.name == name && (kind == nil || $0.kind == kind) }) { return .found(info.contract) }
        return .notFound(available: Array(Set(plugins.map(\.name))).sorted())
    }

    /// Loads the named plugin of `kind` into this process for use.
    public func loadPlugin(named name: String, kind: PluginKind? = nil) throws -> LoadedPlugin {
        if let problem = duplicateProblem(name, kind: kind) { throw PluginLoadFailure(libraryPath: "", reason: problem) }
        guard let info = plugins.first(where: { $0.name == name && (kind == nil || $0.kind == kind) }) else {
            let available = Array(Set(plugins.map(\.name))).sorted().joined(separator: ", ")
            throw PluginLoadFailure(
                libraryPath: "",
                reason: "no plugin named \"\(name)\" on the search path (found: \(available.isEmpty ? "none" : available)); see etl-runtime list-plugins")
        }
        let library = try PluginLibraryLoader.load(info.libraryPath).get()
        guard let plugin = library.plugins.first(where: { $0.info.name == name && $0.info.kind == info.kind }) else {
            throw PluginLoadFailure(libraryPath: info.libraryPath, reason: "no longer offers a plugin named \"\(name)\" (was it rebuilt?)")
        }
        return plugin
    }
}
