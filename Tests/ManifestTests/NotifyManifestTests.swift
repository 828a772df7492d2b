import ETLRuntimeCore
import XCTest

/// `notify`, manifest-wide and per entry: what `validate` refuses, and what an entry ends up with.
final class NotifyManifestTests: XCTestCase {
    private func load(entryNotify: String?, manifestNotify: String? = nil, environment: [String: String] = [:]) throws -> (issues: [String], manifest: Manifest?) {
        let workspace = try ManifestWorkspace()
        var text = manifest(entry: commonEntryFields + #", "mode": "full""# + (entryNotify.map { #", "notify": "# + $0 } ?? ""))
        if let manifestNotify {
            text = text.replacingOccurrences(of: #""manifest_version": 1,"#, with: #""manifest_version": 1, "notify": "# + manifestNotify + ",")
        }
        let result = try workspace.load(text, environment: environment)
        return (workspace.rendered(result), result.manifest)
    }

    func testTheEntryKeysWinOverTheManifestDefaultOneByOne() throws {
        let loaded = try load(
            entryNotify: #"{"on": ["failure"], "ping": "https://hc.example/abc"}"#,
            manifestNotify: #"{"webhook_env": "SLACK_URL", "report_url": "https://etl.example/report.html"}"#)
        XCTAssertEqual(loaded.issues, [])
        let manifest = try XCTUnwrap(loaded.manifest)
        let policy = try XCTUnwrap(manifest.notifyPolicy(for: manifest.controlTable[0]))
        XCTAssertEqual(policy.webhook, .environment("SLACK_URL"))
        XCTAssertEqual(policy.ping, .literal("https://hc.example/abc"))
        XCTAssertEqual(policy.events, [.failure])
        XCTAssertEqual(policy.reportURL, "https://etl.example/report.html")
        XCTAssertTrue(policy.delivers(.failure))
        XCTAssertFalse(policy.delivers(.recovery))
    }

    func testWithoutOnEveryEventIsDelivered() throws {
        let loaded = try load(entryNotify: #"{"command": ["mail", "-s", "etl", "ops@example.com"]}"#)
        XCTAssertEqual(loaded.issues, [])
        let manifest = try XCTUnwrap(loaded.manifest)
        let policy = try XCTUnwrap(manifest.notifyPolicy(for: manifest.controlTable[0]))
        XCTAssertEqual(policy.command, ["mail", "-s", "etl", "ops@example.com"])
        XCTAssertTrue(NotifyEvent.allCases.allSatisfy(policy.delivers))
    }

    func testOnWithNothingToSendToDoesNothingAndIsRefused() throws {
        XCTAssertEqual(try load(entryNotify: #"{"on": ["failure"], "ping": "https://hc.example/abc"}"#).issues, [
            #"plugins.json:6: $.control_table[0].notify.on: "on" does nothing without a "webhook", "webhook_env" or "command" to send events to (here or manifest-wide); add one or remove "on""#,
        ])
    }

    func testAPingIsPerEntry() throws {
        let issues = try load(entryNotify: nil, manifestNotify: #"{"ping": "https://hc.example/abc"}"#).issues
        XCTAssertEqual(issues.count, 1, "\(issues)")
        XCTAssertTrue(issues[0].contains("$.notify.ping: a ping URL watches one job: write it in the notify of each entry it watches"), issues[0])
    }

    func testMistakesAreRefusedWithTheirPaths() throws {
        let issues = try load(entryNotify: #"{"on": ["failure", "failures", "failure"], "webhook": "hooks.example/x", "webhook_env": "X", "comand": ["mail"]}"#).issues
        XCTAssertTrue(issues.contains { $0.contains(#"$.control_table[0].notify.comand: unknown key; did you mean "command"?"#) }, "\(issues)")
        XCTAssertTrue(issues.contains { $0.contains(#"$.control_table[0].notify.on[1]: expected "failure", "recovery" or "freshness", got "failures"; did you mean "failure"?"#) }, "\(issues)")
        XCTAssertTrue(issues.contains { $0.contains(#"$.control_table[0].notify.on[2]: "failure" is listed twice"#) }, "\(issues)")
        XCTAssertTrue(issues.contains { $0.contains(#"$.control_table[0].notify.webhook_env: give "webhook" or "webhook_env", not both"#) }, "\(issues)")
    }

    func testAWebhookMustBeAnHTTPURLAndASubstitutedOneIsNeverShown() throws {
        let issues = try load(entryNotify: #"{"webhook": "${HOOK}"}"#, environment: ["HOOK": "ftp://secret-token-value"]).issues
        XCTAssertEqual(issues.count, 1, "\(issues)")
        XCTAssertTrue(issues[0].contains("$.control_table[0].notify.webhook: expected an http:// or https:// URL"), issues[0])
        XCTAssertFalse(issues[0].contains("secret-token-value"), issues[0])
    }
}
