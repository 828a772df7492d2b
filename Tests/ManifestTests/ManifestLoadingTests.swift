import ETLRuntimeCore
import XCTest

final class ManifestLoadingTests: XCTestCase {
    func testDesignExampleLoadsIntoTypedValues() throws {
        let workspace = try ManifestWorkspace()
        let result = try workspace.load(
            designExampleManifest, environment: ["CRM_URL": "https://crm.example.com/api"], plugins: FakePlugins.standard)
        XCTAssertEqual(workspace.rendered(result), [])
        let manifest = try XCTUnwrap(result.manifest)
        let folder = workspace.directory

        XCTAssertEqual(manifest.manifestVersion, 1)
        XCTAssertEqual(manifest.manifestPath, folder + "/plugins.json")
        XCTAssertEqual(manifest.manifestDirectory, folder)
        XCTAssertEqual(manifest.pluginDirectories, [folder + "/plugins"])
        XCTAssertEqual(manifest.statePath, folder + "/state/etl_state.db")

        XCTAssertEqual(manifest.sources.map(\.name), ["census", "crm"])
        let census = try XCTUnwrap(manifest.source(named: "census"))
        XCTAssertEqual(census.plugin, "csv")
        XCTAssertEqual(census.kind, .source)
        XCTAssertEqual(census.config["path"], .string(folder + "/examples/data/adult.data"))
        XCTAssertEqual(census.config["header"], false)
        XCTAssertEqual(census.config["null_values"], ["?"])
        XCTAssertEqual(census.contract?.name, "csv")
        let crm = try XCTUnwrap(manifest.source(named: "crm"))
        XCTAssertEqual(crm.config["base_url"], "https://crm.example.com/api")
        XCTAssertEqual(crm.config["auth"], ["type": "bearer", "token_env": "CRM_TOKEN"])
        XCTAssertEqual(manifest.sinks.map(\.name), ["warehouse"])
        XCTAssertEqual(manifest.sink(named: "warehouse")?.config["path"], .string(folder + "/warehouse.db"))

        XCTAssertEqual(manifest.controlTable.map(\.id), ["adult_stage", "crm_companies"])
        let stage = try XCTUnwrap(manifest.entry(id: "adult_stage"))
        XCTAssertTrue(stage.active)
        XCTAssertEqual(stage.source, "census")
        XCTAssertEqual(stage.stream, "adult")
        XCTAssertEqual(stage.sink, "warehouse")
        XCTAssertEqual(stage.target, "stage_adult")
        XCTAssertEqual(stage.mode, .incremental)
        XCTAssertEqual(stage.write, .append)
        XCTAssertEqual(stage.cursorField, "$offset")
        XCTAssertEqual(stage.batchSize, 10_000)
        XCTAssertEqual(stage.maxRecordsPerRun, 1630)
        XCTAssertEqual(stage.jsonPath, "$.control_table[0]")
        XCTAssertEqual(stage.line, line(of: "\"adult_stage\"", in: designExampleManifest))

        let companies = try XCTUnwrap(manifest.entry(id: "crm_companies"))
        XCTAssertEqual(companies.write, .scd2)
        XCTAssertEqual(companies.primaryKey, ["id"])
        XCTAssertEqual(companies.cursorField, "updated_at")
        XCTAssertEqual(companies.initialValue, "2024-01-01T00:00:00Z")
        XCTAssertEqual(companies.lookback?.seconds, 600)
        XCTAssertEqual(companies.lookback?.text, "PT10M")
        XCTAssertEqual(companies.transforms.map(\.step), [.rename([ColumnRename(from: "companyName", to: "name")])])
        XCTAssertEqual(companies.transforms.first?.jsonPath, "$.control_table[1].transforms[0]")
    }

    func testOmittedSettingsTakeTheirDefaults() throws {
        let workspace = try ManifestWorkspace()
        let text = manifest(entries: [
            commonEntryFields + #", "mode": "full""#,
            #""id": "events", "source": "crm", "stream": "events", "sink": "warehouse", "target": "events", "mode": "incremental", "cursor_field": "ts""#,
        ])
        let result = try workspace.load(text)
        XCTAssertEqual(workspace.rendered(result), [])
        let manifest = try XCTUnwrap(result.manifest)
        let full = try XCTUnwrap(manifest.entry(id: "companies"))
        XCTAssertTrue(full.active)
        XCTAssertNil(full.description)
        XCTAssertEqual(full.write, .replace)
        XCTAssertEqual(full.batchSize, 10_000)
        XCTAssertEqual(full.maxBatchBytes, 64 * 1024 * 1024)
        XCTAssertNil(full.maxRecordsPerRun)
        XCTAssertEqual(full.maxRejects, 0)
        XCTAssertEqual(full.nullCursor, .fail)
        XCTAssertEqual(full.primaryKey, [])
        XCTAssertNil(full.lookback)
        XCTAssertNil(full.safetyLag)
        XCTAssertEqual(full.postSQL, [])
        XCTAssertEqual(full.transforms, [])
        XCTAssertEqual(manifest.entry(id: "events")?.write, .append)
        XCTAssertEqual(manifest.pluginDirectories, [])
        XCTAssertEqual(manifest.statePath, workspace.directory + "/state/etl_state.db")
    }

    func testEverySettingIsRead() throws {
        let workspace = try ManifestWorkspace()
        let text = manifest(entry: commonEntryFields + #"""
            , "active": false, "description": "CRM companies", "mode": "incremental", "write": "merge",
            "primary_key": ["id", "region"], "cursor_field": "updated_at", "initial_value": 0, "lookback": "PT1H30M",
            "safety_lag": "P1D", "batch_size": 500, "max_batch_bytes": 1048576, "max_records_per_run": 100000,
            "max_rejects": 25, "null_cursor": "reject", "post_sql": ["ANALYZE", "VACUUM"]
            """#)
        let result = try workspace.load(text)
        XCTAssertEqual(workspace.rendered(result), [])
        let entry = try XCTUnwrap(result.manifest?.controlTable.first)
        XCTAssertFalse(entry.active)
        XCTAssertEqual(entry.description, "CRM companies")
        XCTAssertEqual(entry.write, .merge)
        XCTAssertEqual(entry.primaryKey, ["id", "region"])
        XCTAssertEqual(entry.initialValue, 0)
        XCTAssertEqual(entry.lookback?.seconds, 5400)
        XCTAssertEqual(entry.safetyLag?.seconds, 86_400)
        XCTAssertEqual(entry.batchSize, 500)
        XCTAssertEqual(entry.maxBatchBytes, 1_048_576)
        XCTAssertEqual(entry.maxRecordsPerRun, 100_000)
        XCTAssertEqual(entry.maxRejects, 25)
        XCTAssertEqual(entry.nullCursor, .reject)
        XCTAssertEqual(entry.postSQL, ["ANALYZE", "VACUUM"])
    }

    func testPostSQLAcceptsASingleStatement() throws {
        let workspace = try ManifestWorkspace()
        let result = try workspace.load(manifest(entry: commonEntryFields + #", "mode": "full", "post_sql": "ANALYZE""#))
        XCTAssertEqual(result.manifest?.controlTable.first?.postSQL, ["ANALYZE"])
    }

    func testEveryTransformIsTyped() throws {
        let workspace = try ManifestWorkspace()
        let text = manifest(entry: commonEntryFields + #"""
            , "mode": "full", "transforms": [
              {"select": ["id", "name", "born"]},
              {"rename": {"companyName": "name", "ID": "id"}},
              {"cast": {"id": "int64", "born": {"type": "date", "format": "%d/%m/%Y"}, "score": "float64"}},
              {"trim": true}, {"trim": ["name"]},
              {"null_values": ["?", ""]}, {"null_values": {"born": ["0000-00-00"]}},
              {"map": {"status": {"A": "active", "X": null, "n": 0}}},
              {"derive": {"name_upper": "upper(name)"}},
              {"filter": "id > 0"},
              {"metadata": {"loaded_at": "_loaded_at", "run_id": "_run"}}
            ]
            """#)
        let result = try workspace.load(text)
        XCTAssertEqual(workspace.rendered(result), [])
        let steps = try XCTUnwrap(result.manifest?.controlTable.first?.transforms.map(\.step))
        XCTAssertEqual(steps, [
            .select(columns: ["id", "name", "born"]),
            .rename([ColumnRename(from: "companyName", to: "name"), ColumnRename(from: "ID", to: "id")]),
            .cast([
                ColumnCast(column: "id", type: .int64), ColumnCast(column: "born", type: .date, format: "%d/%m/%Y"),
                ColumnCast(column: "score", type: .double),
            ]),
            .trim(.allColumns), .trim(.columns(["name"])),
            .nullValues(.allColumns(["?", ""])), .nullValues(.perColumn([ColumnNullValues(column: "born", values: ["0000-00-00"])])),
            .map([ColumnValueMap(column: "status", mappings: [
                ValueMapping(from: "A", to: "active"), ValueMapping(from: "X", to: nil), ValueMapping(from: "n", to: 0),
            ])]),
            .derive([DerivedColumn(name: "name_upper", expression: "upper(name)")]),
            .filter(expression: "id > 0"),
            .metadata([
                MetadataColumn(kind: .loadedAt, column: "_loaded_at"), MetadataColumn(kind: .runID, column: "_run"),
            ]),
        ])
        XCTAssertEqual(result.manifest?.controlTable.first?.transforms[2].line, line(of: #"{"cast""#, in: text))
    }

    func testRelativePathsResolveAgainstTheManifestFolder() throws {
        let workspace = try ManifestWorkspace()
        let text = """
            {
              "manifest_version": 1,
              "plugin_dirs": ["plugins", "../shared/plugins", "/opt/etl/plugins"],
              "state": { "path": "./var/state.db" },
              "sources": { "census": { "plugin": "csv", "config": { "path": "data/*.csv" } } },
              "sinks": { "warehouse": { "plugin": "sqlite", "config": { "path": "/data/warehouse.db" } } }
            }
            """
        let result = try workspace.load(text, plugins: FakePlugins.standard)
        XCTAssertEqual(workspace.rendered(result), [])
        let manifest = try XCTUnwrap(result.manifest)
        let parent = (workspace.directory as NSString).deletingLastPathComponent
        XCTAssertEqual(manifest.pluginDirectories, [workspace.directory + "/plugins", parent + "/shared/plugins", "/opt/etl/plugins"])
        XCTAssertEqual(manifest.statePath, workspace.directory + "/var/state.db")
        XCTAssertEqual(manifest.source(named: "census")?.config["path"], .string(workspace.directory + "/data/*.csv"))
        XCTAssertEqual(manifest.sink(named: "warehouse")?.config["path"], "/data/warehouse.db")
    }

    func testConfigJSONIsTheResolvedConfigAsCompactJSON() throws {
        let workspace = try ManifestWorkspace()
        let text = """
            { "manifest_version": 1,
              "sources": { "census": { "plugin": "csv", "config": { "path": "a.csv", "header": true, "delimiter": ";" } } } }
            """
        let result = try workspace.load(text, plugins: FakePlugins.standard)
        let census = try XCTUnwrap(result.manifest?.source(named: "census"))
        XCTAssertEqual(census.configJSON, #"{"path":"\#(workspace.directory)/a.csv","header":true,"delimiter":";"}"#)
    }

    func testWithoutPluginProviderConfigsAreKeptAsWritten() throws {
        let workspace = try ManifestWorkspace()
        let text = """
            { "manifest_version": 1,
              "sources": { "census": { "plugin": "no_such_plugin", "config": { "path": "a.csv" } } } }
            """
        let result = try workspace.load(text, plugins: nil)
        XCTAssertEqual(workspace.rendered(result), [])
        XCTAssertEqual(result.manifest?.source(named: "census")?.config, ["path": "a.csv"])
        XCTAssertNil(result.manifest?.source(named: "census")?.contract)
    }

    func testSourceDescriptionIsKept() throws {
        let workspace = try ManifestWorkspace()
        let text = #"{ "manifest_version": 1, "sinks": { "out": { "plugin": "jsonl", "description": "daily files" } } }"#
        let result = try workspace.load(text, plugins: FakePlugins.standard)
        XCTAssertEqual(result.manifest?.sink(named: "out")?.description, "daily files")
        XCTAssertEqual(result.manifest?.sink(named: "out")?.config, .object(JSONObject()))
    }

    func testMissingManifestSaysHowToFix() {
        let result = ManifestLoader.load(path: "/nonexistent/folder/plugins.json", environment: [:], plugins: nil)
        XCTAssertNil(result.manifest)
        XCTAssertEqual(result.issues.map(\.description), [
            "/nonexistent/folder/plugins.json: no such file; pass --manifest PATH, or run from the folder that holds plugins.json",
        ])
    }

    func testAFolderIsNotAManifest() throws {
        let workspace = try ManifestWorkspace()
        let result = ManifestLoader.load(path: workspace.directory, environment: [:], plugins: nil)
        XCTAssertEqual(result.issues.map(\.description), [
            "\(workspace.directory): is a folder, not a manifest; pass --manifest PATH/TO/plugins.json",
        ])
    }

    func testIssuesNameTheFileAsTheUserGaveIt() throws {
        let workspace = try ManifestWorkspace()
        try workspace.write("conf/etl.json", #"{"manifest_version": 2}"#)
        let result = ManifestLoader.load(path: workspace.directory + "/conf/../conf/etl.json", environment: [:], plugins: nil)
        XCTAssertEqual(result.issues.first?.file, workspace.directory + "/conf/../conf/etl.json")
        XCTAssertEqual(result.issues.first?.line, 1)
    }

    func testSyntaxErrorIsOneIssueWithLineAndColumn() throws {
        let workspace = try ManifestWorkspace()
        let result = try workspace.load("{\n  \"manifest_version\": 1\n  \"sources\": {}\n}")
        XCTAssertNil(result.manifest)
        XCTAssertEqual(workspace.rendered(result), ["plugins.json:3:3: expected ',' or '}' after an object member"])
        XCTAssertEqual(result.issues.first?.column, 3)
    }

    func testPluginDirectoriesAreReadEvenFromAManifestWithMistakes() throws {
        let workspace = try ManifestWorkspace()
        try workspace.write(".env", "EXTRA=from-dotenv\n")
        try workspace.write("plugins.json", #"""
            { "manifest_version": 7, "plugin_dirs": ["plugins", "${EXTRA}/lib", "${UNSET}", 5, "/abs"],
              "control_table": "broken" }
            """#)
        let folders = ManifestLoader.pluginDirectories(manifestPath: workspace.manifestPath, environment: [:])
        XCTAssertEqual(folders, [workspace.directory + "/plugins", workspace.directory + "/from-dotenv/lib", "/abs"])
    }

    func testPluginDirectoriesOfAnUnreadableManifestAreNone() {
        XCTAssertEqual(ManifestLoader.pluginDirectories(manifestPath: "/nonexistent/plugins.json", environment: [:]), [])
    }
}
