import ETLRuntimeCore
import XCTest

/// Each mistake a data engineer makes in plugins.json, and the exact line `validate` prints for it.
final class ManifestMistakeTests: XCTestCase {
    private func issues(_ text: String, plugins: (any PluginContractProviding)? = nil) throws -> [String] {
        let workspace = try ManifestWorkspace()
        let result = try workspace.load(text, plugins: plugins)
        XCTAssertEqual(result.manifest == nil, !result.issues.isEmpty, "a manifest comes back exactly when there is no issue")
        return workspace.rendered(result)
    }

    private func entryIssues(_ fields: String, plugins: (any PluginContractProviding)? = nil) throws -> [String] {
        try issues(manifest(entry: commonEntryFields + ", " + fields), plugins: plugins)
    }

    func testUnknownModeListsTheChoices() throws {
        XCTAssertEqual(try entryIssues(#""mode": "incr""#), [
            #"plugins.json:6: $.control_table[0].mode: expected "full" or "incremental", got "incr""#,
        ])
    }

    func testMisspeltWriteModeGetsASuggestion() throws {
        XCTAssertEqual(try entryIssues(#""mode": "full", "write": "apend""#), [
            #"plugins.json:6: $.control_table[0].write: expected "replace", "append", "merge" or "scd2", got "apend"; did you mean "append"?"#,
        ])
    }

    func testMisspeltKeyGetsASuggestion() throws {
        let text = manifest(entry: commonEntryFields + #", "mode": "incremental", "cursor_feild": "updated_at""#)
        let row = line(of: "cursor_feild", in: text)
        XCTAssertEqual(try issues(text), [
            #"plugins.json:\#(row): $.control_table[0].mode: mode "incremental" needs "cursor_field", the column (or source position such as "$offset") to resume from; add it or use mode "full""#,
            #"plugins.json:\#(row): $.control_table[0].cursor_feild: unknown key; did you mean "cursor_field"?"#,
        ])
    }

    func testUnknownTopLevelKeyListsTheAllowedKeys() throws {
        XCTAssertEqual(try issues(#"{"manifest_version": 1, "pipelines": []}"#), [
            #"plugins.json:1: $.pipelines: unknown key; allowed keys are "manifest_version", "plugin_dirs", "state", "sources", "sinks", "control_table", "notify""#,
        ])
    }

    func testWrongTypesSayWhatWasExpected() throws {
        XCTAssertEqual(try entryIssues(#""mode": "full", "batch_size": "10k", "max_batch_bytes": 0, "max_rejects": -1, "active": "yes""#), [
            #"plugins.json:6: $.control_table[0].batch_size: expected an integer > 0, got "10k""#,
            "plugins.json:6: $.control_table[0].max_batch_bytes: expected an integer > 0, got 0",
            "plugins.json:6: $.control_table[0].max_rejects: expected an integer >= 0, got -1",
            #"plugins.json:6: $.control_table[0].active: expected true or false, got "yes""#,
        ])
    }

    func testFractionalCountIsNotAnInteger() throws {
        XCTAssertEqual(try entryIssues(#""mode": "full", "max_records_per_run": 1.5"#), [
            "plugins.json:6: $.control_table[0].max_records_per_run: expected an integer > 0, got 1.5",
        ])
    }

    func testManifestVersionMustBeOne() throws {
        XCTAssertEqual(try issues(#"{"manifest_version": 2}"#), [
            "plugins.json:1: $.manifest_version: expected 1, got 2; this etl-runtime reads manifest version 1",
        ])
        XCTAssertEqual(try issues(#"{"sources": {}}"#), [
            #"plugins.json:1: $: missing required key "manifest_version"; add "manifest_version": 1"#,
        ])
    }

    func testTopLevelMustBeAnObject() throws {
        XCTAssertEqual(try issues("[]"), ["plugins.json:1: $: expected an object, got an array"])
    }

    func testMissingEntryKeysAreNamed() throws {
        XCTAssertEqual(try issues(manifest(entry: #""id": "a", "source": "crm", "sink": "warehouse", "mode": "full""#)), [
            #"plugins.json:6: $.control_table[0]: missing required key "stream""#,
            #"plugins.json:6: $.control_table[0]: missing required key "target""#,
        ])
    }

    func testEntryIdMustBeSafe() throws {
        XCTAssertEqual(
            try issues(manifest(entry: #""id": "crm companies", "source": "crm", "stream": "s", "sink": "warehouse", "target": "t", "mode": "full""#)),
            [#"plugins.json:6: $.control_table[0].id: expected an id of letters, digits, "_", "." and "-", got "crm companies""#])
    }

    func testDuplicateEntryIdsAreRefused() throws {
        let text = manifest(entries: [commonEntryFields + #", "mode": "full""#, commonEntryFields + #", "mode": "full""#])
        XCTAssertEqual(try issues(text), [
            #"plugins.json:7: $.control_table[1].id: duplicate id "companies"; $.control_table[0] (line 6) already uses it"#,
        ])
    }

    func testUnknownSourceSuggestsAndListsTheDeclaredOnes() throws {
        let sources = #"{ "crm": { "plugin": "http" }, "census": { "plugin": "csv" } }"#
        let text = manifest(
            entry: #""id": "a", "source": "crmm", "stream": "s", "sink": "warehouse", "target": "t", "mode": "full""#,
            sources: sources)
        XCTAssertEqual(try issues(text), [
            #"plugins.json:6: $.control_table[0].source: no source named "crmm"; did you mean "crm"? (sources: "crm", "census")"#,
        ])
    }

    func testUnknownSinkWithoutCloseMatchListsTheDeclaredOnes() throws {
        let text = manifest(entry: #""id": "a", "source": "crm", "stream": "s", "sink": "lake", "target": "t", "mode": "full""#)
        XCTAssertEqual(try issues(text), [
            #"plugins.json:6: $.control_table[0].sink: no sink named "lake" (sinks: "warehouse")"#,
        ])
    }

    func testSourceNamedAsSinkIsExplained() throws {
        let text = manifest(entry: #""id": "a", "source": "crm", "stream": "s", "sink": "crm", "target": "t", "mode": "full""#)
        XCTAssertEqual(try issues(text), [
            #"plugins.json:6: $.control_table[0].sink: "crm" is a source, not a sink (sinks: "warehouse")"#,
        ])
    }

    func testMergeWithoutPrimaryKeyIsRefused() throws {
        XCTAssertEqual(try entryIssues(#""mode": "full", "write": "merge""#), [
            #"plugins.json:6: $.control_table[0].write: write "merge" needs "primary_key", the columns that identify a row, e.g. "primary_key": ["id"]"#,
        ])
    }

    func testSCD2WithoutPrimaryKeyIsRefused() throws {
        XCTAssertEqual(try entryIssues(#""mode": "incremental", "cursor_field": "ts", "write": "scd2""#), [
            #"plugins.json:6: $.control_table[0].write: write "scd2" needs "primary_key", the columns that identify a row, e.g. "primary_key": ["id"]"#,
        ])
    }

    func testEmptyPrimaryKeyIsRefused() throws {
        XCTAssertEqual(try entryIssues(#""mode": "full", "write": "merge", "primary_key": []"#), [
            "plugins.json:6: $.control_table[0].primary_key: expected a non-empty array of column names, got an array",
        ])
    }

    func testIncrementalWithoutCursorFieldIsRefused() throws {
        XCTAssertEqual(try entryIssues(#""mode": "incremental""#), [
            #"plugins.json:6: $.control_table[0].mode: mode "incremental" needs "cursor_field", the column (or source position such as "$offset") to resume from; add it or use mode "full""#,
        ])
    }

    func testIncrementalReplaceIsRefused() throws {
        XCTAssertEqual(try entryIssues(#""mode": "incremental", "cursor_field": "ts", "write": "replace""#), [
            #"plugins.json:6: $.control_table[0].write: write "replace" cannot be used with mode "incremental": each run would drop what earlier runs loaded; use "append", "merge" or "scd2""#,
        ])
    }

    func testBadDurationsAreExplained() throws {
        XCTAssertEqual(try entryIssues(#""mode": "full", "lookback": "10 minutes", "safety_lag": "P1M""#), [
            #"plugins.json:6: $.control_table[0].lookback: expected an ISO 8601 duration such as "PT10M", "P1D" or "PT1H30M", got "10 minutes""#,
            #"plugins.json:6: $.control_table[0].safety_lag: years and months have no fixed length; use weeks or days, e.g. "P30D", got "P1M""#,
        ])
    }

    func testUnknownNullCursorPolicyListsTheChoices() throws {
        XCTAssertEqual(try entryIssues(#""mode": "full", "null_cursor": "skip""#), [
            #"plugins.json:6: $.control_table[0].null_cursor: expected "load", "reject" or "fail", got "skip""#,
        ])
    }

    func testInitialValueMustBeAScalar() throws {
        XCTAssertEqual(try entryIssues(#""mode": "full", "initial_value": {"at": 1}"#), [
            "plugins.json:6: $.control_table[0].initial_value: expected a string, number or boolean, got an object",
        ])
    }

    func testPostSQLMustBeStatements() throws {
        XCTAssertEqual(try entryIssues(#""mode": "full", "post_sql": ["ANALYZE", 5]"#), [
            "plugins.json:6: $.control_table[0].post_sql[1]: expected a non-empty string, got 5",
        ])
    }

    func testUnknownTransformGetsASuggestion() throws {
        XCTAssertEqual(try entryIssues(#""mode": "full", "transforms": [{"renam": {"a": "b"}}, {"pivot": {}}]"#), [
            #"plugins.json:6: $.control_table[0].transforms[0].renam: unknown transform; did you mean "rename"?"#,
            "plugins.json:6: $.control_table[0].transforms[1].pivot: unknown transform; transforms are select, drop, rename, cast, trim, null_values, map, derive, filter, explode, metadata",
        ])
    }

    func testTransformWithTwoKeysIsRefused() throws {
        XCTAssertEqual(try entryIssues(#""mode": "full", "transforms": [{"select": ["a"], "filter": "a > 1"}]"#), [
            #"plugins.json:6: $.control_table[0].transforms[0]: expected an object with exactly one key naming the transform, e.g. {"rename": {"old": "new"}}, got keys "select", "filter""#,
        ])
    }

    func testTransformArgumentsAreChecked() throws {
        let fields = #""mode": "full", "transforms": [{"cast": {"a": "int46", "b": {"type": "string", "format": "%Y"}}}, {"trim": "yes"}, {"metadata": {"loaded": "_at"}}, {"select": []}]"#
        XCTAssertEqual(try entryIssues(fields), [
            #"plugins.json:6: $.control_table[0].transforms[0].cast.a: expected a type name (string, int64, double, bool, date, timestamp, decimal(P,S)) or {"type": ..., "format": ...}, got "int46"; did you mean "int64"?"#,
            #"plugins.json:6: $.control_table[0].transforms[0].cast.b.format: "format" applies only to "date" and "timestamp" casts"#,
            #"plugins.json:6: $.control_table[0].transforms[1].trim: expected true or an array of column names, got "yes""#,
            #"plugins.json:6: $.control_table[0].transforms[2].metadata.loaded: unknown metadata kind; did you mean "loaded_at"?"#,
            "plugins.json:6: $.control_table[0].transforms[3].select: expected a non-empty array of column names, got an array",
        ])
    }

    func testThreeMistakesAreReportedInOnePass() throws {
        let text = """
            {
              "manifest_version": 1,
              "sources": { "crm": { "plugin": "http" } },
              "sinks": { "warehouse": { "plugin": "sqlite" } },
              "control_table": [
                { "id": "a", "source": "crm", "stream": "s", "sink": "warehouse", "target": "t",
                  "mode": "incr" },
                { "id": "b", "source": "crm", "stream": "s", "sink": "warehouse", "target": "t",
                  "mode": "full", "batch_size": "10k",
                  "write": "merge" }
              ]
            }
            """
        XCTAssertEqual(try issues(text), [
            #"plugins.json:7: $.control_table[0].mode: expected "full" or "incremental", got "incr""#,
            #"plugins.json:9: $.control_table[1].batch_size: expected an integer > 0, got "10k""#,
            #"plugins.json:10: $.control_table[1].write: write "merge" needs "primary_key", the columns that identify a row, e.g. "primary_key": ["id"]"#,
        ])
    }

    func testDuplicateKeyIsReportedWithBothLines() throws {
        let text = """
            {
              "manifest_version": 1,
              "sources": { "crm": { "plugin": "http" } },
              "sinks": { "warehouse": { "plugin": "sqlite" } },
              "control_table": [
                { "id": "a", "source": "crm", "stream": "s", "sink": "warehouse", "target": "t",
                  "mode": "full",
                  "mode": "incremental" }
              ]
            }
            """
        XCTAssertEqual(try issues(text), [
            #"plugins.json:8: $.control_table[0].mode: duplicate key "mode" (lines 7 and 8); keep one"#,
        ])
    }

    func testSourceWithoutPluginIsReported() throws {
        XCTAssertEqual(try issues(#"{"manifest_version": 1, "sources": {"crm": {"config": {}}}, "sinks": {"w": "sqlite"}}"#), [
            #"plugins.json:1: $.sources.crm: missing required key "plugin""#,
            #"plugins.json:1: $.sinks.w: expected an object, got "sqlite""#,
        ])
    }

    func testMalformedSourceIsStillKnownToEntries() throws {
        let text = manifest(entry: commonEntryFields + #", "mode": "full""#, sources: #"{ "crm": "http" }"#)
        XCTAssertEqual(try issues(text), [#"plugins.json:3: $.sources.crm: expected an object, got "http""#])
    }

    func testUnknownEndpointKeyGetsASuggestion() throws {
        XCTAssertEqual(try issues(#"{"manifest_version": 1, "sources": {"crm": {"plugin": "http", "confg": {}}}}"#), [
            #"plugins.json:1: $.sources.crm.confg: unknown key; did you mean "config"?"#,
        ])
    }
}
