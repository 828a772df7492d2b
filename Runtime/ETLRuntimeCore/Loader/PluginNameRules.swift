import Foundation

/// Which plugin a name means when several libraries on the search path declare it for one
/// kind (a source and a sink may share a name, like `sqlite`):
///
/// 1. A built-in plugin — one in the executable's folder or the installed plugin folder,
///    shipped with etl-runtime — cannot be replaced: a library elsewhere that declares its
///    name is refused by that name (its other plugins stay usable), whatever folder comes
///    first. A manifest that says `csv` always gets etl-runtime's csv.
/// 2. Otherwise the library in the folder searched first wins (`--plugin-dir`, then the
///    manifest's `plugin_dirs`, `ETL_PLUGIN_PATH`, ...); copies in later folders are ignored
///    and listed as such.
/// 3. Two libraries in one folder that declare the name: no order the user chose tells
///    them apart, so neither is used (`PluginCatalog.duplicateProblem`); only the entries
///    that use the name fail.
enum PluginNameRules {
    /// Folder origins (`PluginSearchPath.Folder.origin`) that hold the built-in plugins.
    static let builtInOrigins: Set<String> = ["executable folder", "installed plugin folder"]

    /// The plugins that keep their names, in the order given, and a refusal for each that does not.
    static func resolve(_ found: [PluginInfo], searchPath: PluginSearchPath) -> (plugins: [PluginInfo], refused: [PluginLoadFailure]) {
        let folderIndex = Dictionary(searchPath.folders.enumerated().map { ($0.element.path, $0.offset) }, uniquingKeysWith: { first, _ in first })
        func folder(of plugin: PluginInfo) -> Int {
            folderIndex[(plugin.libraryPath as NSString).deletingLastPathComponent] ?? searchPath.folders.count
        }
        func isBuiltIn(_ plugin: PluginInfo) -> Bool {
            let index = folder(of: plugin)
            return index < searchPath.folders.count && builtInOrigins.contains(searchPath.folders[index].origin)
        }
        var refused: [Int: PluginLoadFailure] = [:]
        let groups = Dictionary(grouping: found.indices, by: { "\(found[$0].kind.rawValue) \(found[$0].name)" })
        for positions in groups.values.sorted(by: { $0[0] < $1[0] }) where positions.count > 1 {
            let builtIns = positions.filter { isBuiltIn(found[$0]) }
            let contenders = builtIns.isEmpty ? positions : builtIns
            let winningFolder = contenders.map { folder(of: found[$0]) }.min()!
            let winner = found[contenders.first { folder(of: found[$0]) == winningFolder }!]
            for position in positions where folder(of: found[position]) != winningFolder {
                let plugin = found[position]
                let reason = !builtIns.isEmpty && !isBuiltIn(plugin)
                    ? "declares plugin \"\(plugin.name)\", which a built-in plugin of etl-runtime already provides at "
                        + "\(winner.libraryPath); this plugin is ignored (built-in names cannot be replaced) — rename it"
                    : "plugin \"\(plugin.name)\" is already provided by \(winner.libraryPath) (found earlier on the plugin path); "
                        + "this copy is ignored — rename one of them or remove a library from the plugin path"
                refused[position] = PluginLoadFailure(libraryPath: plugin.libraryPath, reason: reason, plugin: plugin.name)
            }
        }
        let kept = found.indices.filter { refused[$0] == nil }.map { found[$0] }
        return (kept, refused.sorted { $0.key < $1.key }.map(\.value))
    }
}
