import ETLRuntimeCore
import XCTest

/// `metadata` in its two forms — `{kind: column}` and DESIGN.md's array of column names that
/// are also the kinds — and `source_position`, which `validate` allows only from a source plugin
/// with the `positions` capability.
final class SourcePositionManifestTests: XCTestCase {
    private func load(_ transforms: String, plugins: (any PluginContractProviding)? = nil) throws -> (issues: [String], transforms: [TransformStep]) {
        let workspace = try ManifestWorkspace()
        let result = try workspace.load(manifest(entry: commonEntryFields + #", "mode": "full", "transforms": "# + transforms), plugins: plugins)
        return (workspace.rendered(result), result.manifest?.controlTable.first?.transforms.map(\.step) ?? [])
    }

    func testTheObjectFormNamesAColumnForEachKind() throws {
        let loaded = try load(#"[{"metadata": {"loaded_at": "at", "run_id": "run", "source_position": "pos"}}]"#)
        XCTAssertEqual(loaded.issues, [])
        XCTAssertEqual(loaded.transforms, [.metadata([
            MetadataColumn(kind: .loadedAt, column: "at"), MetadataColumn(kind: .runID, column: "run"),
            MetadataColumn(kind: .sourcePosition, column: "pos"),
        ])])
    }

    func testTheArrayFormNamesTheColumnsAsWritten() throws {
        let loaded = try load(#"[{"metadata": ["_loaded_at", "_run_id", "_source_position"]}, {"metadata": ["loaded_at"]}]"#)
        XCTAssertEqual(loaded.issues, [])
        XCTAssertEqual(loaded.transforms, [
            .metadata([MetadataColumn(kind: .loadedAt, column: "_loaded_at"), MetadataColumn(kind: .runID, column: "_run_id"),
                       MetadataColumn(kind: .sourcePosition, column: "_source_position")]),
            .metadata([MetadataColumn(kind: .loadedAt, column: "loaded_at")]),
        ])
    }

    func testUnknownKindsAndRepeatsAreRefusedWhereTheyAre() throws {
        XCTAssertEqual(try load(#"[{"metadata": {"source_postion": "p"}}, {"metadata": ["_source_postion", 7, "_run_id", "run_id"]}, {"metadata": []}]"#).issues, [
            #"plugins.json:6: $.control_table[0].transforms[0].metadata.source_postion: unknown metadata kind; did you mean "source_position"?"#,
            #"plugins.json:6: $.control_table[0].transforms[1].metadata[0]: unknown metadata column "_source_postion"; did you mean "_source_position"?"#,
            #"plugins.json:6: $.control_table[0].transforms[1].metadata[1]: expected a non-empty string, got 7"#,
            #"plugins.json:6: $.control_table[0].transforms[1].metadata[3]: "run_id" adds run_id again (element 2 already does); list each kind once"#,
            #"plugins.json:6: $.control_table[0].transforms[2].metadata: expected an object of kind: column name (kinds: loaded_at, run_id, source_position), or an array of column names such as ["_loaded_at", "_run_id", "_source_position"], got an array"#,
        ])
    }

    func testSourcePositionNeedsASourcePluginWithThePositionsCapability() throws {
        var plugins = FakePlugins.standard
        let http = try XCTUnwrap(plugins.contracts.firstIndex { $0.name == "http" })
        plugins.contracts[http].capabilities.remove("positions")
        let issues = try load(#"[{"metadata": {"loaded_at": "at", "source_position": "pos"}}, {"metadata": ["_run_id", "_source_position"]}]"#,
                              plugins: plugins).issues
        XCTAssertEqual(issues, [
            #"plugins.json:6: $.control_table[0].transforms[0].metadata.source_position: source "crm" (plugin "http") cannot send source positions (no "positions" capability); remove source_position, or read with a plugin that has it (csv, http, sqlite)"#,
            #"plugins.json:6: $.control_table[0].transforms[1].metadata[1]: source "crm" (plugin "http") cannot send source positions (no "positions" capability); remove source_position, or read with a plugin that has it (csv, http, sqlite)"#,
        ])
        // The other kinds need nothing of the source; with the capability, source_position is fine too.
        XCTAssertEqual(try load(#"[{"metadata": ["_loaded_at", "_run_id"]}]"#, plugins: plugins).issues, [])
        XCTAssertEqual(try load(#"[{"metadata": ["_source_position"]}]"#, plugins: FakePlugins.standard).issues, [])
    }
}
