import ETLRuntimeCore
import XCTest

/// Checks that need the plugins: existence, kind, capabilities and each config against the plugin's JSON Schema.
final class ManifestPluginCheckTests: XCTestCase {
    private func issues(_ text: String, plugins: any PluginContractProviding = FakePlugins.standard) throws -> [String] {
        let workspace = try ManifestWorkspace()
        return workspace.rendered(try workspace.load(text, plugins: plugins))
    }

    private func sourceManifest(_ source: String) -> String {
        #"{ "manifest_version": 1, "sources": { "census": \#(source) } }"#
    }

    func testUnknownPluginSuggestsAndListsTheAvailableOnes() throws {
        XCTAssertEqual(try issues(sourceManifest(#"{ "plugin": "cvs", "config": {} }"#)), [
            #"plugins.json:1: $.sources.census.plugin: no plugin named "cvs"; did you mean "csv"? (available: csv, http, jsonl, sqlite)"#,
        ])
    }

    func testUnknownPluginWhenNoneWereFoundSaysWhereToLook() throws {
        XCTAssertEqual(try issues(sourceManifest(#"{ "plugin": "csv" }"#), plugins: FakePlugins(contracts: [])), [
            "plugins.json:1: $.sources.census.plugin: no plugin named \"csv\"; no plugins were found "
                + "(check plugin_dirs, --plugin-dir and ETL_PLUGIN_PATH)",
        ])
    }

    func testUnusablePluginGivesTheReason() throws {
        let plugins = FakePlugins(contracts: [], unusable: ["csv": "libetl_csv.so was built for ABI 2.0; this runtime speaks 1.0"])
        XCTAssertEqual(try issues(sourceManifest(#"{ "plugin": "csv" }"#), plugins: plugins), [
            #"plugins.json:1: $.sources.census.plugin: plugin "csv" cannot be used: libetl_csv.so was built for ABI 2.0; this runtime speaks 1.0"#,
        ])
    }

    func testSourcePluginCannotServeAsSink() throws {
        XCTAssertEqual(try issues(#"{ "manifest_version": 1, "sinks": { "out": { "plugin": "csv" } } }"#), [
            #"plugins.json:1: $.sinks.out.plugin: plugin "csv" is a source plugin; a sink needs a sink plugin"#,
        ])
    }

    func testKindAwareProvidersAreAskedForTheKindNeeded() throws {
        struct BothKinds: PluginContractProviding {
            func contract(forPlugin name: String) -> PluginContractLookup { .notFound(available: []) }
            func contract(forPlugin name: String, kind: PluginKind) -> PluginContractLookup {
                .found(PluginContract(name: name, kind: kind, capabilities: ["append", "replace"], configSchemaJSON: "",
                                      libraryPath: "/p/libetl_sqlite.so"))
            }
        }
        let text = #"{ "manifest_version": 1, "sources": { "a": { "plugin": "sqlite" } }, "sinks": { "b": { "plugin": "sqlite", "config": {"any": 1} } } }"#
        let workspace = try ManifestWorkspace()
        let result = try workspace.load(text, plugins: BothKinds())
        XCTAssertEqual(workspace.rendered(result), [])
        XCTAssertEqual(result.manifest?.source(named: "a")?.contract?.kind, .source)
        XCTAssertEqual(result.manifest?.sink(named: "b")?.contract?.kind, .sink)
    }

    func testSinkMustSupportTheWriteMode() throws {
        let sinks = #"{ "files": { "plugin": "jsonl" } }"#
        let text = manifest(
            entry: #""id": "a", "source": "crm", "stream": "s", "sink": "files", "target": "t", "mode": "full", "write": "merge", "primary_key": ["id"]"#,
            sinks: sinks)
        XCTAssertEqual(try issues(text), [
            #"plugins.json:6: $.control_table[0].write: sink "files" (plugin "jsonl") does not support write "merge"; it supports "replace" or "append""#,
        ])
    }

    func testDefaultWriteModeMustBeSupportedToo() throws {
        let plugins = FakePlugins(contracts: FakePlugins.standard.contracts + [
            PluginContract(name: "snapshot", kind: .sink, capabilities: ["replace"], configSchemaJSON: "{}", libraryPath: "/p/libetl_snapshot.so"),
        ])
        let text = manifest(
            entry: #""id": "a", "source": "crm", "stream": "s", "sink": "snap", "target": "t", "mode": "incremental", "cursor_field": "ts""#,
            sinks: #"{ "snap": { "plugin": "snapshot" } }"#)
        XCTAssertEqual(try issues(text, plugins: plugins), [
            #"plugins.json:6: $.control_table[0].write: sink "snap" (plugin "snapshot") does not support write "append" (the default for mode "incremental"); it supports "replace""#,
        ])
    }

    func testIncrementalNeedsAnIncrementalSource() throws {
        let plugins = FakePlugins(contracts: FakePlugins.standard.contracts + [
            PluginContract(name: "static", kind: .source, capabilities: ["discover"], configSchemaJSON: "", libraryPath: "/p/libetl_static.so"),
        ])
        let text = manifest(
            entry: #""id": "a", "source": "fixed", "stream": "s", "sink": "warehouse", "target": "t", "mode": "incremental", "cursor_field": "ts""#,
            sources: #"{ "fixed": { "plugin": "static" } }"#)
        XCTAssertEqual(try issues(text, plugins: plugins), [
            #"plugins.json:6: $.control_table[0].mode: source "fixed" (plugin "static") cannot load incrementally (no "incremental" capability); use mode "full""#,
        ])
    }

    func testPostSQLNeedsASQLSink() throws {
        let text = manifest(
            entry: #""id": "a", "source": "crm", "stream": "s", "sink": "files", "target": "t", "mode": "full", "post_sql": "ANALYZE""#,
            sinks: #"{ "files": { "plugin": "jsonl" } }"#)
        XCTAssertEqual(try issues(text), [
            #"plugins.json:6: $.control_table[0].post_sql: sink "files" (plugin "jsonl") cannot run SQL (no "sql" capability); remove post_sql or use a SQL sink"#,
        ])
    }

    func testConfigIsValidatedAgainstThePluginSchemaWithFullPaths() throws {
        let text = """
            {
              "manifest_version": 1,
              "sources": {
                "census": { "plugin": "csv", "config": {
                  "path": "adult.data",
                  "header": "yes",
                  "delimeter": ";",
                  "columns": [{"name": "age", "type": "int"}, {"type": "string"}]
                } }
              }
            }
            """
        XCTAssertEqual(try issues(text), [
            #"plugins.json:6: $.sources.census.config.header: expected a boolean, got "yes""#,
            #"plugins.json:7: $.sources.census.config.delimeter: unknown key; did you mean "delimiter"?"#,
            #"plugins.json:8: $.sources.census.config.columns[0].type: expected "int64", "double", "string", "bool", "date" or "timestamp", got "int""#,
            #"plugins.json:8: $.sources.census.config.columns[1]: missing required key "name""#,
        ])
    }

    func testMissingConfigIsCheckedAsAnEmptyObject() throws {
        XCTAssertEqual(try issues(sourceManifest(#"{ "plugin": "csv" }"#)), [
            #"plugins.json:1: $.sources.census.config: missing required key "path""#,
        ])
    }

    func testConfigMustBeAnObject() throws {
        XCTAssertEqual(try issues(sourceManifest(#"{ "plugin": "csv", "config": "adult.data" }"#)), [
            #"plugins.json:1: $.sources.census.config: expected an object, got "adult.data""#,
        ])
    }

    func testUnusableSchemaIsBlamedOnThePlugin() throws {
        let plugins = FakePlugins(contracts: [
            PluginContract(name: "broken", kind: .source, capabilities: [],
                           configSchemaJSON: #"{"properties": {"a": {"type": "text"}}}"#, libraryPath: "/p/libetl_broken.so"),
            PluginContract(name: "garbled", kind: .source, capabilities: [],
                           configSchemaJSON: #"{"type": "object""#, libraryPath: "/p/libetl_garbled.so"),
        ])
        let text = #"{ "manifest_version": 1, "sources": { "x": { "plugin": "broken" }, "y": { "plugin": "garbled" } } }"#
        XCTAssertEqual(try issues(text, plugins: plugins), [
            #"plugins.json:1: $.sources.x.plugin: plugin "broken" (/p/libetl_broken.so) publishes an unusable config schema, at #/properties/a/type: unknown type "text"; this is a bug in the plugin, not in the manifest"#,
            #"plugins.json:1: $.sources.y.plugin: plugin "garbled" (/p/libetl_garbled.so) publishes an unusable config schema, at #: not valid JSON: 1:18: expected ',' or '}' after an object member; this is a bug in the plugin, not in the manifest"#,
        ])
    }

    func testPluginChecksAreSkippedWithoutAProvider() throws {
        let workspace = try ManifestWorkspace()
        let result = try workspace.load(sourceManifest(#"{ "plugin": "whatever", "config": {"header": "yes"} }"#), plugins: nil)
        XCTAssertEqual(workspace.rendered(result), [])
    }
}
