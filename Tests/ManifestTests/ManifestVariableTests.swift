import ETLRuntimeCore
import XCTest

/// `${VAR}` substitution from the environment and `.env`, and keeping substituted secrets out of every message.
final class ManifestVariableTests: XCTestCase {
    private let urlManifest = """
        { "manifest_version": 1,
          "sources": { "crm": { "plugin": "http", "config": { "base_url": "${CRM_URL}" } } } }
        """

    private func baseURL(_ result: ManifestLoadResult) -> JSONValue? {
        result.manifest?.source(named: "crm")?.config["base_url"]
    }

    func testVariableComesFromTheEnvironment() throws {
        let workspace = try ManifestWorkspace()
        let result = try workspace.load(urlManifest, environment: ["CRM_URL": "https://env.example.com"])
        XCTAssertEqual(baseURL(result), "https://env.example.com")
    }

    func testVariableComesFromDotEnvBesideTheManifest() throws {
        let workspace = try ManifestWorkspace()
        let result = try workspace.load(urlManifest, dotEnv: "CRM_URL=https://dotenv.example.com\n")
        XCTAssertEqual(baseURL(result), "https://dotenv.example.com")
        XCTAssertEqual(result.manifest?.substitutions, [
            VariableSubstitution(name: "CRM_URL", value: "https://dotenv.example.com", origin: .dotEnvFile),
        ])
    }

    func testEnvironmentWinsOverDotEnv() throws {
        let workspace = try ManifestWorkspace()
        let result = try workspace.load(
            urlManifest, environment: ["CRM_URL": "https://env.example.com"], dotEnv: "CRM_URL=https://dotenv.example.com\n")
        XCTAssertEqual(baseURL(result), "https://env.example.com")
    }

    func testDefaultIsUsedWhenTheVariableIsSetNowhere() throws {
        let workspace = try ManifestWorkspace()
        let text = urlManifest.replacingOccurrences(of: "${CRM_URL}", with: "${CRM_URL:-https://default.example.com}")
        XCTAssertEqual(baseURL(try workspace.load(text)), "https://default.example.com")
        XCTAssertEqual(baseURL(try workspace.load(text, environment: ["CRM_URL": "https://env.example.com"])), "https://env.example.com")
    }

    func testVariablesWorkInsideLongerStringsAndDollarsStayLiteral() throws {
        let workspace = try ManifestWorkspace()
        let text = manifest(entry: commonEntryFields + #"""
            , "mode": "incremental", "cursor_field": "$offset", "description": "costs $$5 at ${HOST}:${PORT:-443} $ each",
            "target": "t_${SUFFIX:-}"
            """#).replacingOccurrences(of: #", "target": "dim_company""#, with: "")
        let result = try workspace.load(text, environment: ["HOST": "crm.example.com"])
        XCTAssertEqual(workspace.rendered(result), [])
        let entry = try XCTUnwrap(result.manifest?.controlTable.first)
        XCTAssertEqual(entry.cursorField, "$offset")
        XCTAssertEqual(entry.target, "t_")
        XCTAssertEqual(entry.description, "costs $5 at <value of ${HOST}>:<value of ${PORT}> $ each",
                       "descriptions are for display, so substitutions show as placeholders")
    }

    func testMissingVariableNamesTheVariableAndThePath() throws {
        let workspace = try ManifestWorkspace()
        let result = try workspace.load(urlManifest, plugins: FakePlugins.standard)
        XCTAssertEqual(workspace.rendered(result), [
            "plugins.json:2: $.sources.crm.config.base_url: environment variable CRM_URL is not set and not in the .env file "
                + "beside the manifest; export it, add it to .env, or write ${CRM_URL:-default}",
        ], "the empty value left behind is not reported a second time (the URL pattern)")
    }

    func testMalformedReferenceIsReported() throws {
        let workspace = try ManifestWorkspace()
        let result = try workspace.load(urlManifest.replacingOccurrences(of: "${CRM_URL}", with: "${CRM_URL"))
        XCTAssertEqual(workspace.rendered(result), [
            #"plugins.json:2: $.sources.crm.config.base_url: unterminated "${"; close it with "}", or write "$$" for a literal "$""#,
        ])
        let badName = try workspace.load(urlManifest.replacingOccurrences(of: "${CRM_URL}", with: "${1URL}"))
        XCTAssertEqual(workspace.rendered(badName), [
            #"plugins.json:2: $.sources.crm.config.base_url: "${1URL}" is not a variable reference; a name is letters, digits and _ (not starting with a digit); write "$$" for a literal "$""#,
        ])
    }

    func testDotEnvAcceptsCommentsQuotesAndExport() throws {
        let workspace = try ManifestWorkspace()
        let dotEnv = """
            # credentials for the CRM
            export A=plain value   # trailing comment
            B="double \\"quoted\\" # not a comment"
              C='single $NOT ${EXPANDED}'

            D = spaced
            E=
            """
        let text = #"{"manifest_version": 1, "sources": {"s": {"plugin": "p", "config": {"a": "${A}", "b": "${B}", "c": "${C}", "d": "${D}", "e": "${E}"}}}}"#
        let result = try workspace.load(text, dotEnv: dotEnv)
        XCTAssertEqual(workspace.rendered(result), [])
        XCTAssertEqual(result.manifest?.source(named: "s")?.config, [
            "a": "plain value", "b": #"double "quoted" # not a comment"#, "c": "single $NOT ${EXPANDED}", "d": "spaced", "e": "",
        ])
    }

    func testMalformedDotEnvLineIsReportedWithItsLine() throws {
        let workspace = try ManifestWorkspace()
        let dotEnv = "GOOD=1\n# comment\nthis line has no equals sign\n9BAD=x\nQ=\"never closed\n"
        let result = try workspace.load(#"{"manifest_version": 1}"#, dotEnv: dotEnv)
        XCTAssertNil(result.manifest)
        XCTAssertEqual(workspace.rendered(result), [
            ".env:3: expected KEY=VALUE",
            ".env:4: expected KEY=VALUE with a KEY of letters, digits and _ that does not start with a digit",
            ".env:5: unterminated double-quoted value (a value cannot span lines)",
        ])
    }

    func testSubstitutedSecretsNeverAppearInIssues() throws {
        let secret = "s3cr3t-Tok3n-hunter2"
        let nearlyValid = "fulll"
        let workspace = try ManifestWorkspace()
        let text = """
            {
              "manifest_version": 1,
              "sources": {
                "crm": { "plugin": "${SECRET}", "config": {} },
                "api": { "plugin": "http", "config": { "base_url": "ftp://${SECRET}", "token": "${SHORT}",
                  "auth": { "type": "${SECRET}", "token_env": "X" }, "extra": "${SECRET}" } }
              },
              "sinks": { "warehouse": { "plugin": "sqlite", "config": { "path": 5, "${SECRET}": 1 } } },
              "control_table": [
                { "id": "${SECRET}", "source": "${SECRET}", "stream": "s", "sink": "warehouse", "target": "t",
                  "mode": "${MODE}", "write": "${SECRET}", "lookback": "${SECRET}", "batch_size": "${SECRET}",
                  "null_cursor": "${DOTENV_SECRET}", "initial_value": "${SECRET}",
                  "transforms": [{ "cast": { "a": "${SECRET}" } }] }
              ]
            }
            """
        let result = try workspace.load(
            text, environment: ["SECRET": secret, "MODE": nearlyValid, "SHORT": "abc"],
            dotEnv: "DOTENV_SECRET=from-the-dotenv-file\n", plugins: FakePlugins.standard)
        let printed = workspace.rendered(result)
        XCTAssertGreaterThanOrEqual(printed.count, 10)
        for line in printed {
            XCTAssertFalse(line.contains(secret), line)
            XCTAssertFalse(line.contains(nearlyValid), line)
            XCTAssertFalse(line.contains("from-the-dotenv-file"), line)
            XCTAssertFalse(line.contains("\"abc\""), line)
        }
        XCTAssertTrue(printed.contains(
            #"plugins.json:11: $.control_table[0].mode: expected "full" or "incremental", got <value of ${MODE}>"#))
        XCTAssertTrue(printed.contains(
            #"plugins.json:5: $.sources.api.config.base_url: expected a string matching the pattern ^https?://, got "ftp://<value of ${SECRET}>""#))
        XCTAssertTrue(printed.contains(
            #"plugins.json:11: $.control_table[0].batch_size: expected an integer > 0, got <value of ${SECRET}>"#))
        XCTAssertTrue(printed.contains(
            #"plugins.json:12: $.control_table[0].null_cursor: expected "load", "reject" or "fail", got <value of ${DOTENV_SECRET}>"#))
        XCTAssertTrue(printed.contains(
            #"plugins.json:4: $.sources.crm.plugin: no plugin named <value of ${SECRET}> (available: csv, http, jsonl, sqlite)"#))
    }

    func testDisplayConfigAndRedactingHideSecrets() throws {
        let secret = "s3cr3t-Tok3n-hunter2"
        let workspace = try ManifestWorkspace()
        let text = """
            { "manifest_version": 1,
              "sources": { "crm": { "plugin": "http", "description": "uses ${TOKEN}",
                "config": { "base_url": "https://crm.example.com", "token": "Bearer ${TOKEN}" } } } }
            """
        let result = try workspace.load(text, environment: ["TOKEN": secret], plugins: FakePlugins.standard)
        XCTAssertEqual(workspace.rendered(result), [])
        let manifest = try XCTUnwrap(result.manifest)
        let crm = try XCTUnwrap(manifest.source(named: "crm"))
        XCTAssertEqual(crm.config["token"], .string("Bearer " + secret), "the plugin gets the real value")
        XCTAssertTrue(crm.configJSON.contains(secret))
        XCTAssertEqual(crm.displayConfig["token"], "Bearer <value of ${TOKEN}>")
        XCTAssertFalse(crm.displayConfig.serialized().contains(secret))
        XCTAssertEqual(crm.description, "uses <value of ${TOKEN}>")
        XCTAssertEqual(
            manifest.redacting("401 Unauthorized for token Bearer \(secret)"),
            "401 Unauthorized for token Bearer <value of ${TOKEN}>")
    }
}
