import ETLRuntimeCore
import XCTest

/// `valid_from_column` and `close_missing` in a control-table entry: read for write scd2, and
/// refused where they would do nothing or harm.
final class SCD2OptionsManifestTests: XCTestCase {
    private func load(_ fields: String) throws -> (ManifestLoadResult, [String]) {
        let workspace = try ManifestWorkspace()
        let result = try workspace.load(manifest(entry: commonEntryFields + ", " + fields))
        return (result, workspace.rendered(result))
    }

    func testAFullScd2EntryCarriesBothOptions() throws {
        let (result, issues) = try load(#""mode": "full", "write": "scd2", "primary_key": ["id"], "valid_from_column": "changed_on", "close_missing": true"#)
        XCTAssertEqual(issues, [])
        XCTAssertEqual(result.manifest?.controlTable.first?.validFromColumn, "changed_on")
        XCTAssertEqual(result.manifest?.controlTable.first?.closeMissing, true)
    }

    func testTheOptionsAreRefusedForAnotherWriteMode() throws {
        let (_, issues) = try load(#""mode": "full", "write": "merge", "primary_key": ["id"], "valid_from_column": "changed_on""#)
        XCTAssertEqual(issues, [
            #"plugins.json:6: $.control_table[0].valid_from_column: "valid_from_column" applies to write "scd2" only, and write "merge" would ignore it; remove it or use write "scd2""#,
        ])
    }

    func testCloseMissingIsRefusedForAnIncrementalEntry() throws {
        let (_, issues) = try load(#""mode": "incremental", "cursor_field": "updated_at", "write": "scd2", "primary_key": ["id"], "close_missing": true"#)
        XCTAssertEqual(issues.count, 1)
        XCTAssertTrue(issues.first?.contains(#"$.control_table[0].close_missing: "close_missing" needs mode "full""#) ?? false, "\(issues)")
    }
}
