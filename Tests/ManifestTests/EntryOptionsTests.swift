import ETLRuntimeCore
import XCTest

/// An entry's `options`: a JSON object, `${VAR}`s expanded, checked against the entry options
/// schemas its plugins declare (ABI 1.2), refused when no plugin of the entry honours options.
final class EntryOptionsTests: XCTestCase {
    /// The standard fakes, with the http source declaring what the real one does: placeholder
    /// values of any name, each a string, number or boolean.
    private let plugins = FakePlugins(contracts: FakePlugins.standard.contracts.map { contract in
        var contract = contract
        if contract.name == "http" {
            contract.entryOptionsSchemaJSON = #"{"type": "object", "additionalProperties": {"type": ["string", "number", "boolean"]}}"#
        }
        return contract
    })

    private func load(_ options: String, sources: String? = nil, environment: [String: String] = [:]) throws -> (ManifestWorkspace, ManifestLoadResult) {
        let workspace = try ManifestWorkspace()
        let text = manifest(entries: [commonEntryFields + #", "mode": "full","# + "\n      \"options\": " + options], sources: sources)
        return (workspace, try workspace.load(text, environment: environment, plugins: plugins))
    }

    func testOptionsReachTheEntryWithTheirVariablesExpanded() throws {
        let (workspace, result) = try load(#"{ "list_id": "${LIST_ID}", "archived": false, "limit": 50 }"#, environment: ["LIST_ID": "901"])
        XCTAssertEqual(workspace.rendered(result), [])
        let entry = try XCTUnwrap(result.manifest?.controlTable.first)
        XCTAssertEqual(entry.options?.serialized(), #"{"list_id":"901","archived":false,"limit":50}"#)
    }

    func testAnOptionTheSourceSchemaRefusesIsReportedAtItsPathAndLine() throws {
        let (workspace, result) = try load(#"{ "list_id": [901] }"#)
        XCTAssertEqual(workspace.rendered(result), [
            #"plugins.json:7: $.control_table[0].options.list_id: expected a string, a number or a boolean, got an array (entry options of source "crm" (plugin "http"))"#,
        ])
    }

    func testOptionsNoPluginOfTheEntryHonoursAreRefused() throws {
        let csv = #"{ "crm": { "plugin": "csv", "config": { "path": "a.csv" } } }"#
        let (workspace, result) = try load(#"{ "list_id": 901 }"#, sources: csv)
        XCTAssertEqual(workspace.rendered(result), [
            #"plugins.json:7: $.control_table[0].options: neither source "crm" (plugin "csv") nor sink "warehouse" (plugin "sqlite") honours entry options (their plugins declare no entry options schema), so these would do nothing; remove "options""#,
        ])
    }

    /// The sink declares a strict schema of its own (as the sqlite sink's `replace_partitions`).
    private let strictSink = FakePlugins(contracts: FakePlugins.standard.contracts.map { contract in
        var contract = contract
        if contract.name == "http" {
            contract.entryOptionsSchemaJSON = #"{"type": "object", "additionalProperties": {"type": ["string", "number", "boolean"]}}"#
        }
        if contract.name == "sqlite", contract.kind == .sink {
            contract.entryOptionsSchemaJSON = #"{"type": "object", "properties": {"replace_partitions": {"type": "array", "items": {"type": "string"}}}, "additionalProperties": false}"#
        }
        return contract
    })

    private func loadWithStrictSink(_ options: String, sources: String? = nil) throws -> (ManifestWorkspace, ManifestLoadResult) {
        let workspace = try ManifestWorkspace()
        let text = manifest(entries: [commonEntryFields + #", "mode": "full","# + "\n      \"options\": " + options], sources: sources)
        return (workspace, try workspace.load(text, plugins: strictSink))
    }

    func testWhenBothPluginsDeclareSchemasEachChecksTheOptionsItNamesAndTheFreeFormOneTakesTheRest() throws {
        let (workspace, result) = try loadWithStrictSink(#"{ "list_id": 901, "replace_partitions": ["dt"] }"#)
        XCTAssertEqual(workspace.rendered(result), [])
        XCTAssertEqual(result.manifest?.controlTable.first?.options?.serialized(), #"{"list_id":901,"replace_partitions":["dt"]}"#)
    }

    func testAnOptionANamingSchemaRefusesIsReportedOnceByThatPlugin() throws {
        let (workspace, result) = try loadWithStrictSink(#"{ "replace_partitions": "dt" }"#)
        XCTAssertEqual(workspace.rendered(result), [
            #"plugins.json:7: $.control_table[0].options.replace_partitions: expected an array, got "dt" (entry options of sink "warehouse" (plugin "sqlite"))"#,
        ])
    }

    func testAnOptionNoSchemaNamesNorTakesIsAnUnknownKey() throws {
        let csv = #"{ "crm": { "plugin": "csv", "config": { "path": "a.csv" } } }"#
        let (workspace, result) = try loadWithStrictSink(#"{ "replace_partition": ["dt"] }"#, sources: csv)
        XCTAssertEqual(workspace.rendered(result).count, 1, "\(workspace.rendered(result))")
        XCTAssertTrue(workspace.rendered(result).first?.contains(#"$.control_table[0].options.replace_partition: unknown key"#) ?? false,
                      "\(workspace.rendered(result))")
    }

    func testOptionsMustBeAnObject() throws {
        let (workspace, result) = try load(#""list_id=901""#)
        XCTAssertEqual(workspace.rendered(result), [
            #"plugins.json:7: $.control_table[0].options: expected an object of the options the entry's plugins honour, such as {"list_id": 901}, got "list_id=901""#,
        ])
    }

    func testASecretInARefusedOptionIsNotPrinted() throws {
        let (workspace, result) = try load(#"{ "token": { "value": "${SECRET_TOKEN}" } }"#, environment: ["SECRET_TOKEN": "s3cr3t-value"])
        let rendered = workspace.rendered(result)
        XCTAssertEqual(rendered.count, 1, "\(rendered)")
        XCTAssertFalse(rendered.joined().contains("s3cr3t-value"), "\(rendered)")
    }
}
