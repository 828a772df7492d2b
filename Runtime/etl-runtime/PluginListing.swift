import ETLRuntimeCore
import Foundation

/// Renders a plugin catalog for `list-plugins`, as a table or as JSON.
enum PluginListing {
    static func table(_ catalog: PluginCatalog, usage: [String: [String]]) -> String {
        var out = ""
        if catalog.plugins.isEmpty {
            out += "No plugins found. Searched:\n"
            for folder in catalog.searchPath.folders { out += "  \(folder.path)  (\(folder.origin))\n" }
        } else {
            let header = ["NAME", "KIND", "VERSION", "ABI", "CAPABILITIES", "USED BY", "PATH"]
            let rows = catalog.plugins.map { plugin in
                [
                    plugin.name, plugin.kind.rawValue, plugin.version, plugin.abiVersion,
                    plugin.capabilities.isEmpty ? "-" : plugin.capabilities.joined(separator: ","),
                    usage[PluginUsage.key(plugin.kind, plugin.name)].map { $0.joined(separator: ",") } ?? "-",
                    plugin.libraryPath,
                ]
            }
            out += alignedColumns([header] + rows)
        }
        for (name, paths) in catalog.duplicateNames.sorted(by: { $0.key < $1.key }) {
            out += "\nconflict: two plugins are named \"\(name)\":\n"
            for path in paths { out += "  \(path)\n" }
            out += "  Entries that use \"\(name)\" fail (and validate refuses them) until one is removed or renamed.\n"
        }
        if !catalog.failures.isEmpty {
            let count = catalog.failures.count
            out += "\n\(count) plugin \(count == 1 ? "library" : "libraries") not loadable:\n"
            for failure in catalog.failures {
                out += "  \(failure.libraryPath)\n    loadable: no — \(failure.reason)\n"
            }
        }
        return out
    }

    static func alignedColumns(_ rows: [[String]]) -> String {
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    /// A published schema as a JSON value, or as its text when it is not JSON.
    private static func schemaObject(_ text: String) -> Any {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) ?? text
    }

    static func json(_ catalog: PluginCatalog, usage: [String: [String]]) -> String {
        let plugins: [[String: Any]] = catalog.plugins.map { plugin in
            [
                "name": plugin.name, "kind": plugin.kind.rawValue, "version": plugin.version,
                "description": plugin.description, "abi_version": plugin.abiVersion,
                "capabilities": plugin.capabilities, "path": plugin.libraryPath, "loadable": true,
                "used_by": usage[PluginUsage.key(plugin.kind, plugin.name)] ?? [],
                "config_schema": schemaObject(plugin.configSchemaJSON),
                // ABI 1.2: the entry options it honours; null when none.
                "entry_options_schema": plugin.entryOptionsSchemaJSON.map(schemaObject) ?? NSNull(),
            ]
        }
        let failures: [[String: Any]] = catalog.failures.map { failure in
            var item: [String: Any] = ["path": failure.libraryPath, "loadable": false, "reason": failure.reason]
            // A library refused for one plugin's name only: which plugin.
            if let plugin = failure.plugin { item["plugin"] = plugin }
            return item
        }
        let conflicts: [[String: Any]] = catalog.duplicateNames.sorted { $0.key < $1.key }.map { ["name": $0.key, "paths": $0.value] }
        let document: [String: Any] = [
            "abi_version": HostAPI.abiVersion,
            "runtime_version": HostAPI.runtimeVersion,
            "search_path": catalog.searchPath.folders.map { ["path": $0.path, "origin": $0.origin] },
            "plugins": plugins,
            "not_loadable": failures,
            "conflicts": conflicts,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
