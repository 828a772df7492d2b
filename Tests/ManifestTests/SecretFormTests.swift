import ETLRuntimeCore
import XCTest

/// Resume states are stored with each secret as its `${NAME}` and handed to plugins with the
/// values put back.
final class SecretFormTests: XCTestCase {
    private func form(_ substitutions: [VariableSubstitution]) -> SecretForm {
        SecretForm(substitutions: substitutions)
    }

    func testStoredFormNamesEachSecretAndTheExpandedFormPutsItBack() {
        let secrets = form([
            VariableSubstitution(name: "SECRET", value: "S3cr3t-42", origin: .environment),
            VariableSubstitution(name: "DATA_DIR", value: "/srv/data", origin: .dotEnvFile),
        ])
        let state = #"{"files":[{"path":"/srv/data/S3cr3t-42/a.csv","offset":10},{"path":"/srv/data/b.csv"}]}"#
        let stored = secrets.stored(state)
        XCTAssertEqual(stored, #"{"files":[{"path":"${DATA_DIR}/${SECRET}/a.csv","offset":10},{"path":"${DATA_DIR}/b.csv"}]}"#)
        XCTAssertEqual(secrets.expanded(stored), state)
        XCTAssertNil(secrets.stored(nil))
        XCTAssertNil(secrets.expanded(nil))
    }

    func testValuesEscapedInJSONAreFoundAndPutBackEscaped() throws {
        let secrets = form([
            VariableSubstitution(name: "PASSWORD", value: #"pa"ss\word"#, origin: .environment),
            VariableSubstitution(name: "URL", value: "https://api.example.com/v1", origin: .environment),
        ])
        let state = #"{"p":"pa\"ss\\word","u":"https:\/\/api.example.com\/v1/x"}"#
        let stored = try XCTUnwrap(secrets.stored(state))
        XCTAssertEqual(stored, #"{"p":"${PASSWORD}","u":"${URL}/x"}"#)
        let expanded = try XCTUnwrap(secrets.expanded(stored))
        XCTAssertEqual(expanded, #"{"p":"pa\"ss\\word","u":"https://api.example.com/v1/x"}"#)
        XCTAssertEqual(try JSONValue(parsing: expanded), try JSONValue(parsing: state), "the same JSON as the plugin wrote")
    }

    func testDefaultsShortValuesAndOtherReferencesStayAsWritten() {
        let secrets = form([
            VariableSubstitution(name: "HOST", value: "default.example.com", origin: .defaultValue),
            VariableSubstitution(name: "PORT", value: "443", origin: .environment),
        ])
        let state = #"{"url":"https://default.example.com:443/${OTHER}"}"#
        XCTAssertEqual(secrets.stored(state), state)
        XCTAssertEqual(secrets.expanded(state), state)
    }

    func testASecretInsideAnotherNeverBreaksItsName() {
        let secrets = form([
            VariableSubstitution(name: "TOKEN", value: "S3cr3t-long-token", origin: .environment),
            VariableSubstitution(name: "TENANT", value: "long", origin: .environment),
            VariableSubstitution(name: "SHORT", value: "OKEN", origin: .environment),
        ])
        let state = #"{"a":"S3cr3t-long-token","b":"long"}"#
        let stored = secrets.stored(state)
        XCTAssertEqual(stored, #"{"a":"${TOKEN}","b":"${TENANT}"}"#)
        XCTAssertEqual(secrets.expanded(stored), state)
    }

    func testRedactingHidesValuesEscapedInJSONToo() throws {
        let workspace = try ManifestWorkspace()
        let result = try workspace.load(
            #"{"manifest_version": 1, "sources": {"s": {"plugin": "p", "config": {"path": "${DIR}/a.csv"}}}}"#,
            environment: ["DIR": "/srv/tenant-7"])
        let manifest = try XCTUnwrap(result.manifest)
        XCTAssertEqual(
            manifest.redacting(#"{"path":"\/srv\/tenant-7\/a.csv"} and /srv/tenant-7/b.csv"#),
            #"{"path":"<value of ${DIR}>\/a.csv"} and <value of ${DIR}>/b.csv"#)
    }
}
