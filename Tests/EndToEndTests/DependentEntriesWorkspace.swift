import Foundation
import TestSupport

/// Pipelines of entries that depend on each other (`depends_on`): stage tables loaded from a
/// source, and entries that read those tables back out of the warehouse to build the next layer.
extension RunWorkspace {
    /// The `sources` member "layers": the warehouse itself, read with `query` as the stream `stream`.
    static func warehouseQuerySource(_ name: String, stream: String, query: String) -> String {
        #""\#(name)": {"plugin": "sqlite", "config": {"path": "warehouse.db", "stream": "\#(stream)", "query": "\#(query)"}}"#
    }

    /// people (in.csv → warehouse.people), people_dim (reads people back → people_dim, depends on
    /// people) and people_report (reads people_dim → people_report, depends on people_dim), written
    /// downstream first, so manifest order alone would run them the wrong way round; `other`
    /// (other.csv, written here, → other) depends on nothing.
    func layeredPeopleManifest() throws {
        try textFile("other.csv", "id,name\n1,o1\n")
        try manifest(
            sources: """
                {"file": {"plugin": "csv", "config": {"path": "in.csv", "header": true,
                   "columns": [{"name": "id", "type": "int64"}, {"name": "name", "type": "text"}]}},
                 "other_file": {"plugin": "csv", "config": {"path": "other.csv", "header": true}},
                 \(Self.warehouseQuerySource("people_table", stream: "people", query: "SELECT id, upper(name) AS name FROM people")),
                 \(Self.warehouseQuerySource("dim_table", stream: "dim", query: "SELECT count(*) AS people FROM people_dim"))}
                """,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: """
                [{"id": "people_report", "source": "dim_table", "stream": "dim", "sink": "warehouse", "target": "people_report",
                  "mode": "full", "depends_on": ["people_dim"]},
                 {"id": "people_dim", "source": "people_table", "stream": "people", "sink": "warehouse", "target": "people_dim",
                  "mode": "full", "depends_on": ["people"]},
                 {"id": "people", "source": "file", "stream": "in", "sink": "warehouse", "target": "people", "mode": "full"},
                 {"id": "other", "source": "other_file", "stream": "other", "sink": "warehouse", "target": "other", "mode": "full"}]
                """)
    }

    /// The summary line of `entry` in a run's stderr (text format), or "" when there is none.
    static func summaryLine(_ entry: String, in stderr: String) -> String {
        stderr.split(separator: "\n").first { $0.contains("summary entry=\(entry) ") }.map(String.init) ?? ""
    }
}
