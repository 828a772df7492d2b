import ETLRuntimeCore
import Foundation
import XCTest

/// Variables that `*_env` config keys name are read by the plugin itself: their values are
/// secrets all the same, and the `.env` beside the manifest serves them.
final class CredentialVariableTests: XCTestCase {
    private let apiManifest = """
        { "manifest_version": 1,
          "sources": { "crm": { "plugin": "http", "config": { "base_url": "https://crm.example.com",
            "auth": { "type": "bearer", "token_env": "CRM_TOKEN" } } } },
          "sinks": { "ftp": { "plugin": "files", "config": { "remote": { "sftp": {
            "username_env": "SFTP_USER", "password_env": "SFTP_PASSWORD" } } } } } }
        """

    func testValuesOfVariablesNamedByEnvKeysAreRedacted() throws {
        let workspace = try ManifestWorkspace()
        let result = try workspace.load(
            apiManifest, environment: ["SFTP_PASSWORD": "hunter2-from-env"],
            dotEnv: "CRM_TOKEN=tok-from-dotenv-123\nSFTP_PASSWORD=stale\n")
        XCTAssertEqual(workspace.rendered(result), [])
        let manifest = try XCTUnwrap(result.manifest)
        XCTAssertEqual(
            manifest.redacting("401 for Bearer tok-from-dotenv-123 (login hunter2-from-env)"),
            "401 for Bearer <value of ${CRM_TOKEN}> (login <value of ${SFTP_PASSWORD}>)",
            "the values the plugin will read: the environment's before .env's")
        XCTAssertEqual(manifest.secretForm.stored(#"{"t":"tok-from-dotenv-123"}"#), #"{"t":"${CRM_TOKEN}"}"#)
        XCTAssertFalse(manifest.redacting("stale").contains("<value"), "a .env value the environment overrides is not read")
    }

    func testValuesOfVariablesNamedInAnEnvObjectAreRedacted() throws {
        // The http login's body_env maps body fields to variables.
        let workspace = try ManifestWorkspace()
        let result = try workspace.load(
            """
            { "manifest_version": 1,
              "sources": { "social": { "plugin": "http", "config": { "base_url": "https://social.example.com",
                "auth": { "type": "login", "url": "/login", "body": { "user": "etl" },
                          "body_env": { "password": "SOCIAL_PASSWORD" } } } } } }
            """,
            environment: [:], dotEnv: "SOCIAL_PASSWORD=pa55-from-dotenv\n")
        let manifest = try XCTUnwrap(result.manifest)
        XCTAssertEqual(manifest.redacting("login with pa55-from-dotenv refused"), "login with <value of ${SOCIAL_PASSWORD}> refused")
    }

    func testExportDotEnvFillsOnlyWhatTheEnvironmentLacks() throws {
        let exported = "ETL_TEST_EXPORTED_" + UUID().uuidString.replacingOccurrences(of: "-", with: "_")
        let missing = "ETL_TEST_MISSING_" + UUID().uuidString.replacingOccurrences(of: "-", with: "_")
        setenv(exported, "from-the-shell", 1)
        defer {
            unsetenv(exported)
            unsetenv(missing)
        }
        let workspace = try ManifestWorkspace()
        let result = try workspace.load(
            #"{"manifest_version": 1}"#, environment: ProcessInfo.processInfo.environment,
            dotEnv: "\(exported)=from-dotenv\n\(missing)=only-in-dotenv\n")
        try XCTUnwrap(result.manifest).exportDotEnv()
        XCTAssertEqual(getenv(exported).map { String(cString: $0) }, "from-the-shell")
        XCTAssertEqual(getenv(missing).map { String(cString: $0) }, "only-in-dotenv")
    }
}
