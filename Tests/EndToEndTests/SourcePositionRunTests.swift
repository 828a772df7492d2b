import Foundation
import TestSupport
import XCTest

/// `metadata`'s `source_position` through the real binary: each row's `file:line` lands in SQLite
/// (repeated by `explode`, as a reject of the row would name it), only sources with the
/// `positions` capability may be asked (a plugin built for ABI 1.1 still loads, and is refused at
/// validate), and a source that breaks the column's contract fails its entry, named.
final class SourcePositionRunTests: XCTestCase {
    /// A header, a comment, a record over two lines, a row whose amount is no number, one whose
    /// tags are no JSON array: records start on lines 3, 4, 6, 7 and 8.
    private func pipeline(mode: String = "full", transforms: String) throws -> RunWorkspace {
        let workspace = RunWorkspace()
        try workspace.folder.write("orders.csv", """
            id,amount,tags
            # exported by the shop
            1,10.5,"[""a"",""b""]"
            2,20,"[""c"",
            ""d""]"
            3,x,[]
            4,40,not json
            5,50,[]

            """)
        let incremental = mode == "incremental" ? #", "write": "append", "cursor_field": "$offset""# : ""
        try workspace.manifest(
            sources: ##"{"shop": {"plugin": "csv", "config": {"path": "orders.csv", "comment": "#", "columns": [{"name": "id", "type": "int64"}, {"name": "amount", "type": "double"}, {"name": "tags", "type": "text"}]}}}"##,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: """
                [{"id": "orders", "source": "shop", "stream": "orders", "sink": "warehouse", "target": "orders",
                  "mode": "\(mode)"\(incremental), "max_rejects": 5, "transforms": \(transforms)}]
                """)
        return workspace
    }

    func testEachRowsFileAndLineLoadIntoSQLiteAndExplodedRowsRepeatThem() throws {
        let workspace = try pipeline(transforms: #"[{"filter": "id <> 5"}, {"explode": "tags"}, {"metadata": ["_run_id", "_source_position"]}]"#)
        let run = try workspace.run(["run"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let file = workspace.folder.file("orders.csv")
        XCTAssertEqual(try workspace.warehouseQuery("SELECT id, tags, _source_position FROM orders ORDER BY rowid"), """
            1|a|\(file):3
            1|b|\(file):3
            2|c|\(file):4
            2|d|\(file):4

            """)
        XCTAssertEqual(try workspace.warehouseQuery("SELECT type FROM pragma_table_info('orders') WHERE name = '_source_position'"), "TEXT\n")
        // The csv source's reject (line 6) and explode's (line 7) name the rows the same way.
        XCTAssertEqual(try workspace.stateQuery("SELECT position FROM etl_rejects ORDER BY position"), """
            \(file):6
            \(file):7

            """)
    }

    func testTheObjectFormNamesTheColumnAndAnIncrementalRunGoesOnCounting() throws {
        let workspace = try pipeline(mode: "incremental", transforms: #"[{"filter": "amount > 15"}, {"metadata": {"source_position": "loaded_from"}}]"#)
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        try workspace.textFile("orders.csv", "6,60,[]\n", append: true)
        let second = try workspace.run(["run"])
        XCTAssertEqual(second.status, 0, second.stderr)
        let file = workspace.folder.file("orders.csv")
        XCTAssertEqual(try workspace.warehouseQuery("SELECT id, loaded_from FROM orders ORDER BY id"), """
            2|\(file):4
            4|\(file):7
            5|\(file):8
            6|\(file):9

            """)
    }

    func testValidateRefusesSourcePositionFromAPluginBuiltForABI11ThatStillLoads() throws {
        let workspace = RunWorkspace()
        try workspace.faultyPlugin("abi_1_1_source", name: "abi11", nameMacro: "UNUSED_NAME")
        func manifest(_ transforms: String) throws {
            try workspace.folder.write("plugins.json", """
                {"manifest_version": 1, "plugin_dirs": ["plugins"], "state": {"path": "state/etl_state.db"},
                 "sources": {"old": {"plugin": "alpha", "config": {}}},
                 "sinks": {"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}},
                 "control_table": [{"id": "old", "source": "old", "stream": "alpha_stream", "sink": "warehouse", "target": "old",
                   "mode": "full", "transforms": \(transforms)}]}
                """)
        }
        try manifest(#"[{"metadata": ["_run_id"]}]"#)
        let fine = try workspace.run(["validate"])
        XCTAssertEqual(fine.status, 0, "a 1.1 plugin loads and validates: \(fine.stderr)")
        try manifest(#"[{"metadata": ["_run_id", "_source_position"]}]"#)
        for command in [["validate"], ["run", "--dry-run"]] {
            let refused = try workspace.run(command)
            XCTAssertEqual(refused.status, 78, refused.stderr)
            XCTAssertTrue(refused.stderr.contains(#"$.control_table[0].transforms[0].metadata[1]: source "old" (plugin "alpha") cannot send source positions (no "positions" capability)"#),
                          refused.stderr)
        }
    }

    func testASourceSendingThePositionColumnUnaskedFailsItsEntry() throws {
        let workspace = RunWorkspace()
        try workspace.lyingSource("liar", lie: "LIE_WORD_IS_POSITION")
        try workspace.faultyPipeline(source: "liar", mode: "full")
        let run = try workspace.run(["run"])
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertTrue(run.stderr.contains(#"source plugin "liar" sent a column "_etl_position" (column 2) though the read did not ask for source positions; nothing was loaded"#), run.stderr)
        XCTAssertEqual(try workspace.warehouseRows("words"), 0)
    }

    func testASourceDeclaringPositionsThatSendsNoneFailsItsEntry() throws {
        let workspace = RunWorkspace()
        try workspace.lyingSource("liar", lie: "LIE_POSITIONS_CAPABILITY")
        try workspace.faultyPipeline(source: "liar", mode: "full", settings: #", "transforms": [{"metadata": ["_source_position"]}]"#)
        XCTAssertEqual(try workspace.run(["validate"]).status, 0, "it declares the capability")
        let run = try workspace.run(["run"])
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertTrue(run.stderr.contains(#"source plugin "liar" was asked for source positions ("positions": true) but its stream has no such column; nothing was loaded"#), run.stderr)
        XCTAssertEqual(try workspace.warehouseRows("words"), 0)
    }

    func testListPluginsShowsThePositionsCapability() throws {
        let listing = try RunWorkspace().run(["list-plugins", "--json"])
        XCTAssertEqual(listing.status, 0, listing.stderr)
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(listing.stdout.utf8)) as? [String: Any])
        let plugins = try XCTUnwrap(document["plugins"] as? [[String: Any]])
        func capabilities(_ name: String, _ kind: String) -> [String] {
            plugins.first { $0["name"] as? String == name && $0["kind"] as? String == kind }?["capabilities"] as? [String] ?? []
        }
        for source in ["csv", "http", "sqlite"] {
            XCTAssertTrue(capabilities(source, "source").contains("positions"), "\(source): \(capabilities(source, "source"))")
        }
        XCTAssertFalse(capabilities("sqlite", "sink").contains("positions"))
    }
}
