import Foundation

/// Every plugin found on the search path, the files that could not be used, and name
/// clashes. Built without running any data path: only each library's entry function.
package struct PluginCatalog: Sendable, PluginContractProviding {
    package var searchPath: PluginSearchPath
    /// Plugins in search order: those that keep their names under `PluginNameRules`.
    package var plugins: [PluginInfo]
    /// Files that were refused or failed to load, and plugins refused by name, in search order.
    package var failures: [PluginLoadFailure]

    package init(searchPath: PluginSearchPath, plugins: [PluginInfo], failures: [PluginLoadFailure]) {
        self.searchPath = searchPath
        self.plugins = plugins
        self.failures = failures
    }

    /// Scans the search path and loads every candidate, in this process or in a child
    /// process (see `PluginProber`).
    package static func discover(_ searchPath: PluginSearchPath, probe: PluginProbeMode) -> PluginCatalog {
        let scan = PluginFileScanner.scan(searchPath)
        let results = PluginProber.probe(scan.candidates, mode: probe)
        var found: [PluginInfo] = []
        var failures = scan.refused
        for result in results {
            switch result {
            case .success(let offered): found += offered
            case .failure(let failure): failures.append(failure)
            }
        }
        let named = PluginNameRules.resolve(found, searchPath: searchPath)
        // Listed folder by folder, in search order (the sort is stable within a folder).
        let order = Dictionary(searchPath.folders.enumerated().map { ($0.element.path, $0.offset) }, uniquingKeysWith: { first, _ in first })
        let folderOrder = { (failure: PluginLoadFailure) in order[(failure.libraryPath as NSString).deletingLastPathComponent] ?? order.count }
        let ordered = (failures + named.refused).enumerated()
            .sorted { (folderOrder($0.element), $0.offset) < (folderOrder($1.element), $1.offset) }.map(\.element)
        return PluginCatalog(searchPath: searchPath, plugins: named.plugins, failures: ordered)
    }

    /// Plugin names offered by more than one library file for the same kind, with
    /// those files. (A source and a sink may share a name, like `sqlite`.)
    package var duplicateNames: [String: [String]] {
        Dictionary(grouping: plugins, by: { "\($0.kind.rawValue) \($0.name)" })
            .filter { $0.value.count > 1 }
            .reduce(into: [:]) { result, group in result[group.value[0].name, default: []] += group.value.map(\.libraryPath) }
    }

    /// The problem with a plugin name, if it is ambiguous for `kind` (or any kind).
    package func duplicateProblem(_ name: String, kind: PluginKind? = nil) -> String? {
        let clashing = plugins.filter { $0.name == name && (kind == nil || $0.kind == kind) }
        let kinds = Dictionary(grouping: clashing, by: \.kind).filter { $0.value.count > 1 }
        guard let paths = kinds.values.first?.map(\.libraryPath) else { return nil }
        return "two plugins are named \"\(name)\": \(paths.joined(separator: " and ")); remove or rename one of them"
    }

    package func contract(forPlugin name: String) -> PluginContractLookup {
        lookup(name, kind: nil)
    }

    package func contract(forPlugin name: String, kind: PluginKind) -> PluginContractLookup {
        // A name that exists only with the other kind is returned as is, so the
        // manifest reports the kind mismatch rather than "not found".
        plugins.contains { $0.name == name && $0.kind == kind } ? lookup(name, kind: kind) : lookup(name, kind: nil)
    }

    private func lookup(_ name: String, kind: PluginKind?) -> PluginContractLookup {
        if let problem = duplicateProblem(name, kind: kind) { return .unusable(reason: problem) }
        if let info = plugins.first(where: { $0.name == name && (kind == nil || $0.kind == kind) }) { return .found(info.contract) }
        if let library = namesakeLibraryFailure(name) { return .unusable(reason: library.description) }
        return .notFound(available: Array(Set(plugins.map(\.name))).sorted())
    }

    /// The library named after plugin `name` (`libetl_<name>.so`, as the SDK names them), when
    /// it could not be loaded: most likely the plugin is in it, and its reason is the cause.
    func namesakeLibraryFailure(_ name: String) -> PluginLoadFailure? {
        let fileName = PluginFileScanner.filePrefix + name + PluginFileScanner.fileSuffix
        return failures.first { $0.plugin == nil && ($0.libraryPath as NSString).lastPathComponent == fileName }
    }

    /// Each library that could not be loaded at all, as "PATH (reason)", the reason cut to its
    /// first clause (list-plugins prints the rest): a plugin a manifest names but no library
    /// offers may be in one of them.
    package var unloadableLibraries: [String] {
        failures.filter { $0.plugin == nil }.map { failure in
            let reason = failure.reason.range(of: "; ").map { String(failure.reason[..<$0.lowerBound]) } ?? failure.reason
            return "\(failure.libraryPath) (\(reason))"
        }
    }

    /// Loads the named plugin of `kind` into this process for use.
    package func loadPlugin(named name: String, kind: PluginKind? = nil) throws -> LoadedPlugin {
        if let problem = duplicateProblem(name, kind: kind) { throw PluginLoadFailure(libraryPath: "", reason: problem) }
        guard let info = plugins.first(where: { $0.name == name && (kind == nil || $0.kind == kind) }) else {
            if let library = namesakeLibraryFailure(name) {
                throw PluginLoadFailure(libraryPath: "", reason: "plugin \"\(name)\" cannot be used: \(library)")
            }
            let available = Array(Set(plugins.map(\.name))).sorted().joined(separator: ", ")
            var reason = "no plugin named \"\(name)\" on the search path (found: \(available.isEmpty ? "none" : available))"
            let unloadable = unloadableLibraries
            if !unloadable.isEmpty {
                reason += "; \(PluginContractText.unloadable(unloadable))"
            }
            throw PluginLoadFailure(libraryPath: "", reason: reason + "; see etl-runtime list-plugins")
        }
        let library = try PluginLibraryLoader.load(info.libraryPath).get()
        guard let plugin = library.plugins.first(where: { $0.info.name == name && $0.info.kind == info.kind }) else {
            throw PluginLoadFailure(libraryPath: info.libraryPath, reason: "no longer offers a plugin named \"\(name)\" (was it rebuilt?)")
        }
        return plugin
    }
}
