import ETLRuntimeCore
import XCTest

/// The outline `status`, `history` and `state show` read: the state path and the entries,
/// whatever else the manifest lacks.
final class ManifestOutlineTests: XCTestCase {
    private func outline(
        _ workspace: ManifestWorkspace, _ text: String, environment: [String: String] = [:]
    ) throws -> Result<ManifestOutline, ManifestIssue> {
        try workspace.write("plugins.json", text)
        return ManifestLoader.loadOutline(path: workspace.manifestPath, environment: environment)
    }

    private func issue(_ result: Result<ManifestOutline, ManifestIssue>, _ workspace: ManifestWorkspace) -> String? {
        guard case .failure(let issue) = result else { return nil }
        return issue.description.replacingOccurrences(of: workspace.directory + "/", with: "")
    }

    func testTheStatePathAndEntriesAreReadWhateverElseIsWrong() throws {
        let workspace = try ManifestWorkspace()
        let text = """
            { "manifest_version": 1, "unknown_key": true, "state": { "path": "${STATE_DIR:-var}/etl.db" },
              "sources": { "crm": { "plugin": "no_such_plugin", "config": { "base_url": "${UNSET_URL}" } } },
              "control_table": [
                { "id": "companies", "source": "crm", "stream": "companies", "sink": "warehouse",
                  "target": "${UNSET_TARGET}", "mode": "incremental" },
                { "id": "archive", "active": false, "source": "crm", "stream": "old", "sink": "warehouse",
                  "target": "archive", "mode": "incr" },
                { "id": "${UNSET_ID}", "source": "crm" },
                "not an entry"
              ] }
            """
        let result = try outline(workspace, text)
        let read = try result.get()
        XCTAssertEqual(read.statePath, workspace.directory + "/var/etl.db")
        XCTAssertEqual(read.entries, [
            ManifestOutline.Entry(
                id: "companies", source: "crm", stream: "companies", sink: "warehouse", target: nil, active: true,
                mode: "incremental", write: "append"),
            ManifestOutline.Entry(
                id: "archive", source: "crm", stream: "old", sink: "warehouse", target: "archive", active: false,
                mode: "incr", write: nil),
        ])
    }

    func testTheDefaultStatePathIsBesideTheManifest() throws {
        let workspace = try ManifestWorkspace()
        let read = try outline(workspace, #"{"manifest_version": 1}"#).get()
        XCTAssertEqual(read.statePath, workspace.directory + "/state/etl_state.db")
        XCTAssertEqual(read.entries, [])
    }

    func testTextThatIsNotJSONIsRefused() throws {
        let workspace = try ManifestWorkspace()
        XCTAssertEqual(
            issue(try outline(workspace, "{\"manifest_version\": 1,\n"), workspace)?.hasPrefix("plugins.json:2:"), true)
        XCTAssertEqual(issue(try outline(workspace, "[1]"), workspace), "plugins.json:1: $: expected an object (the manifest), got an array")
    }

    func testAStatePathThatCannotBeUsedIsRefusedWithoutShowingSecrets() throws {
        let workspace = try ManifestWorkspace()
        XCTAssertEqual(
            issue(try outline(workspace, #"{"state": {"path": "${STATE_DIR}/etl.db"}}"#), workspace),
            "plugins.json:1: $.state.path: environment variable STATE_DIR is not set and not in the .env file beside "
                + "the manifest; export it, add it to .env, or write ${STATE_DIR:-default}")
        XCTAssertEqual(
            issue(try outline(workspace, #"{"state": {"path": 5}}"#), workspace),
            "plugins.json:1: $.state.path: expected a non-empty string, got 5")
        XCTAssertEqual(
            issue(try outline(workspace, #"{"state": "${DB}"}"#, environment: ["DB": "s3cr3t-db.sqlite"]), workspace),
            #"plugins.json:1: $.state: expected an object with a "path" (the state database file), got <value of ${DB}>"#)
    }

    func testRedactingHidesWhatCouldBeSubstituted() throws {
        let workspace = try ManifestWorkspace()
        let text = """
            {"sources": {"crm": {"plugin": "http", "config": {"base_url": "${URL}", "token": "${UNSET}",
              "auth": {"type": "bearer", "token_env": "TOKEN"}}}}}
            """
        let read = try outline(workspace, text, environment: ["URL": "https://tenant-9.example.com", "TOKEN": "tok-123456"]).get()
        XCTAssertEqual(
            read.redacting("GET https://tenant-9.example.com failed with tok-123456"),
            "GET <value of ${URL}> failed with <value of ${TOKEN}>")
    }
}
