import Foundation
import TestSupport

/// Faulty fixture plugins (Tests/PluginABITests/Fixtures) compiled into a workspace's `plugins`
/// folder, and a manifest of one entry that runs them.
extension RunWorkspace {
    /// Compiles `Fixtures/<fixture>.c` into plugins/libetl_<name>.so, naming the plugin `name`
    /// through the fixture's `<nameMacro>` and adding `defines` (the lie to tell).
    @discardableResult
    func faultyPlugin(_ fixture: String, name: String, nameMacro: String, defines: [String] = []) throws -> String {
        let folder = folder.file("plugins")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let library = "\(folder)/libetl_\(name).so"
        try CCompiler.sharedLibrary(
            "Tests/PluginABITests/Fixtures/\(fixture).c", output: library, defines: ["\(nameMacro)=\"\(name)\""] + defines)
        return library
    }

    /// A `lying_source.c` source (stream "words": n int64, word utf8) telling `lie`, if any.
    @discardableResult
    func lyingSource(_ name: String, lie: String? = nil) throws -> String {
        try faultyPlugin("lying_source", name: name, nameMacro: "LYING_SOURCE_NAME", defines: lie.map { [$0] } ?? [])
    }

    /// A `lying_sink.c` sink (it counts rows, keeps nothing) telling `lie`, if any.
    @discardableResult
    func lyingSink(_ name: String, lie: String? = nil) throws -> String {
        try faultyPlugin("lying_sink", name: name, nameMacro: "LYING_SINK_NAME", defines: lie.map { [$0] } ?? [])
    }

    /// One entry, "words", reading `count` rows of `source`'s stream `stream` into `sink`'s
    /// target "words" (`sink` "sqlite" means warehouse.db); `settings` are the entry's members
    /// after `mode` (JSON text starting with a comma).
    func faultyPipeline(
        source: String, stream: String = "words", count: Int = 50, sink: String = "sqlite", mode: String,
        settings: String = ""
    ) throws {
        let sinkConfig = sink == "sqlite" ? #"{"path": "warehouse.db"}"# : "{}"
        try folder.write(
            "plugins.json",
            """
            {"manifest_version": 1, "plugin_dirs": ["plugins"], "state": {"path": "state/etl_state.db"},
             "sources": {"in": {"plugin": "\(source)", "config": {"count": \(count)}}},
             "sinks": {"out": {"plugin": "\(sink)", "config": \(sinkConfig)}},
             "control_table": [
               {"id": "words", "source": "in", "stream": "\(stream)", "sink": "out", "target": "words",
                "mode": "\(mode)"\(settings)}]}
            """)
    }

    /// Rows of warehouse.db's table `table`, 0 when the table was never created.
    func warehouseRows(_ table: String) throws -> Int {
        let exists = try warehouseQuery("SELECT count(*) FROM sqlite_master WHERE name = '\(table)'")
        guard exists.trimmingCharacters(in: .whitespacesAndNewlines) == "1" else { return 0 }
        return Int(try warehouseQuery("SELECT count(*) FROM \(table)").trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// The entry's error as etl_runs recorded it for its last run.
    func lastRunError(_ entry: String) throws -> String {
        try stateQuery("SELECT coalesce(error, '') FROM etl_runs WHERE entry_id = '\(entry)' ORDER BY started_at DESC LIMIT 1")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
