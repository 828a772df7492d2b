import Foundation
import TestSupport

/// The small pipeline several tests start from: in.csv (`id,name`, typed int64 and text) loaded
/// by the entry "people" into warehouse.db's table `people`.
extension RunWorkspace {
    /// Writes the manifest; `settings` are the entry's members after `mode` (JSON text starting
    /// with a comma, e.g. `, "write": "append", "cursor_field": "$offset"`).
    func peopleManifest(mode: String, settings: String = "") throws {
        try manifest(
            sources: """
                {"file": {"plugin": "csv", "config": {"path": "in.csv", "header": true,
                  "columns": [{"name": "id", "type": "int64"}, {"name": "name", "type": "text"}]}}}
                """,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: """
                [{"id": "people", "source": "file", "stream": "in", "sink": "warehouse", "target": "people",
                  "mode": "\(mode)"\(settings)}]
                """)
    }

    /// in.csv with the people numbered `ids`, named n1, n2, ...
    func peopleFile(_ ids: ClosedRange<Int>) throws {
        try folder.write("in.csv", "id,name\n" + ids.map { "\($0),n\($0)\n" }.joined())
    }

    /// A query of the warehouse, as the sqlite3 shell prints it.
    func warehouseQuery(_ sql: String) throws -> String {
        try ProcessRunner.run("/usr/bin/sqlite3", [folder.file("warehouse.db"), sql]).stdout
    }
}
