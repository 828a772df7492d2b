import Foundation
import TestSupport

/// A pipeline folder whose history has everything the report shows: a csv entry that loads and
/// rejects a record holding markup, a SQL model that depends on it, and an entry that fails
/// with an error holding markup. Every injected script would call `console.error`, which the
/// browser tests see.
final class ReportWorkspace {
    let folder = TemporaryDirectory("etl-report")
    var path: String { folder.path }
    var manifest: String { folder.file("plugins.json") }
    static let markup = #"<script>console.error("injected")</script>"#

    /// `state`: the manifest's `state` object (a file beside the manifest unless told otherwise);
    /// `warehouse`: the sink's plugin and config (a SQLite file unless told otherwise);
    /// `freshness`: an entry's `freshness` object by entry id (none unless told).
    init(state: String = #"{"path": "state/etl_state.db"}"#,
         warehouse: String = #"{"plugin": "sqlite", "config": {"path": "warehouse.db"}}"#,
         freshness: [String: String] = [:]) throws {
        func freshnessKey(_ id: String) -> String { freshness[id].map { #", "freshness": \#($0)"# } ?? "" }
        try folder.write("people.csv", """
            id,name,amount
            1,Ana,10
            2,Bruno,20
            3,Carla,x\(Self.markup)
            4,Davi,40
            5,Eva,50
            6,Fabio,60
            7,Gil,70

            """)
        try folder.write("plugins.json", """
            {"manifest_version": 1, "state": \(state),
             "sources": {
               "file": {"plugin": "csv", "config": {"path": "people.csv", "header": true,
                 "columns": [{"name": "id", "type": "int64"}, {"name": "name", "type": "text"}, {"name": "amount", "type": "int64"}]}},
               "gone": {"plugin": "csv", "config": {"path": "gone\(Self.markup.replacingOccurrences(of: "\"", with: "\\\""))/x.csv", "header": true,
                 "columns": [{"name": "id", "type": "int64"}]}}},
             "sinks": {"warehouse": \(warehouse)},
             "control_table": [
               {"id": "people", "source": "file", "stream": "people", "sink": "warehouse", "target": "people", "mode": "full", "max_rejects": 5\(freshnessKey("people"))},
               {"id": "totals", "sink": "warehouse", "target": "totals", "depends_on": ["people"],
                "sql": "SELECT count(*) AS n, sum(amount) AS total FROM people", "materialize": "table"\(freshnessKey("totals"))},
               {"id": "broken", "source": "gone", "stream": "x", "sink": "warehouse", "target": "broken", "mode": "full"\(freshnessKey("broken"))}
             ]}
            """)
    }

    /// Runs every entry `times` times (the broken one fails each time).
    func run(times: Int) throws {
        for _ in 0..<times {
            let outcome = try etlRuntime(["run", "--manifest", manifest])
            guard outcome.status == 1, outcome.stderr.contains("entry=people status=ok"), outcome.stderr.contains("entry=broken status=failed") else {
                throw HeadlessChromium.Failure(description: "the workspace's run did not go as planned (\(outcome.status)): \(outcome.stderr)")
            }
        }
    }

    func etlRuntime(_ arguments: [String], environment: [String: String] = [:]) throws -> ProcessOutcome {
        try ProcessRunner.etlRuntime(arguments, environment: environment, currentDirectory: path)
    }

    /// A query of the warehouse, as the sqlite3 shell prints it.
    func warehouse(_ sql: String) throws -> String {
        try ProcessRunner.run("/usr/bin/sqlite3", [folder.file("warehouse.db"), sql]).stdout
    }
}
