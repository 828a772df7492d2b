@testable import ETLRuntimeCore
import XCTest

/// `"state": {"url": "postgresql://...", "schema": ..., "password_env": ...}`: the state in
/// PostgreSQL, shared by several hosts; `path` (SQLite) stays the default.
final class StateURLManifestTests: XCTestCase {
    private func load(state: String) throws -> (manifest: Manifest?, issues: [String]) {
        let workspace = try ManifestWorkspace()
        var text = manifest(entry: commonEntryFields + #", "mode": "full""#)
        text = text.replacingOccurrences(of: "\"manifest_version\": 1,", with: "\"manifest_version\": 1, \"state\": \(state),")
        let result = try workspace.load(text)
        return (result.manifest, workspace.rendered(result))
    }

    func testAPostgresURLPutsTheStateInThatServerUnderTheDefaultSchema() throws {
        let loaded = try load(state: #"{"url": "postgresql://etl@db.internal:5432/warehouse"}"#)
        XCTAssertEqual(loaded.issues, [])
        XCTAssertEqual(loaded.manifest?.stateLocation, .server(PostgresStateServer(url: "postgresql://etl@db.internal:5432/warehouse", schema: "etl_runtime")))
    }

    func testSchemaAndPasswordVariableAreTaken() throws {
        let loaded = try load(state: #"{"url": "postgres://etl@db/w", "schema": "ops_state", "password_env": "STATE_PG_PASSWORD"}"#)
        XCTAssertEqual(loaded.issues, [])
        XCTAssertEqual(loaded.manifest?.stateServer, PostgresStateServer(url: "postgres://etl@db/w", schema: "ops_state", passwordEnvironmentVariable: "STATE_PG_PASSWORD"))
    }

    func testWithoutURLTheStateStaysASQLiteFile() throws {
        let loaded = try load(state: #"{"path": "s/state.db"}"#)
        XCTAssertEqual(loaded.issues, [])
        guard case .file(let path) = loaded.manifest?.stateLocation else { return XCTFail("expected a file") }
        XCTAssertTrue(path.hasSuffix("/s/state.db"), path)
    }

    func testPathAndURLAreExclusive() throws {
        let issues = try load(state: #"{"path": "s.db", "url": "postgresql://etl@db/w"}"#).issues
        XCTAssertEqual(issues.count, 1, "\(issues)")
        XCTAssertTrue(issues.first?.contains(#"$.state: "path" and "url" are exclusive"#) ?? false, "\(issues)")
    }

    func testANonPostgresURLIsRefused() throws {
        let issues = try load(state: #"{"url": "mysql://etl@db/w"}"#).issues
        XCTAssertEqual(issues.count, 1, "\(issues)")
        XCTAssertTrue(issues.first?.contains(#"$.state.url: expected a PostgreSQL URL (postgresql://user@host:port/dbname), got "mysql://etl@db/w""#) ?? false, "\(issues)")
    }

    func testSchemaWithoutURLDoesNothingSoItIsRefused() throws {
        let issues = try load(state: #"{"path": "s.db", "schema": "x"}"#).issues
        XCTAssertEqual(issues.count, 1, "\(issues)")
        XCTAssertTrue(issues.first?.contains(#"$.state.schema: "schema" applies only to a state in PostgreSQL"#) ?? false, "\(issues)")
    }

    func testAPasswordVariableMustBeAVariableName() throws {
        let issues = try load(state: #"{"url": "postgresql://etl@db/w", "password_env": "not a name"}"#).issues
        XCTAssertEqual(issues.count, 1, "\(issues)")
        XCTAssertTrue(issues.first?.contains("$.state.password_env: expected the name of an environment variable") ?? false, "\(issues)")
    }

    func testMessagesNameTheServerWithoutAPasswordWrittenInTheURL() {
        let server = PostgresStateServer(url: "postgresql://etl:hunter2@db:5432/w")
        XCTAssertEqual(server.description, "postgresql://etl:***@db:5432/w (schema etl_runtime)")
    }

    func testAPasswordWrittenInTheURLIsKnownForScrubbingTheServersMessages() {
        XCTAssertEqual(PostgresStateConnection.passwordInURL("postgresql://etl:s%40cret@db:5432/w"), "s@cret")
        XCTAssertNil(PostgresStateConnection.passwordInURL("postgresql://etl@db:5432/w"))
        XCTAssertEqual(PostgresStateConnection.scrub("failed: s@cret is wrong", password: "s@cret"), "failed: *** is wrong")
    }
}
