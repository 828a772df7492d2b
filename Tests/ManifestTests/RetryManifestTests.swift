import ETLRuntimeCore
import XCTest

/// An entry's `retry` is `{"attempts": N, "backoff": "<ISO 8601 duration>"}`; anything else is
/// refused with the JSON path of the mistake.
final class RetryManifestTests: XCTestCase {
    private func load(_ entries: [String]) throws -> (manifest: Manifest?, issues: [String]) {
        let workspace = try ManifestWorkspace()
        let result = try workspace.load(manifest(entries: entries))
        return (result.manifest, workspace.rendered(result))
    }

    private func entry(_ id: String, retry: String) -> String {
        #""id": "\#(id)", "source": "crm", "stream": "companies", "sink": "warehouse", "target": "\#(id)", "mode": "full", "retry": \#(retry)"#
    }

    func testRetryIsReadWithItsAttemptsAndBackoff() throws {
        let loaded = try load([entry("companies", retry: #"{"attempts": 3, "backoff": "PT1M"}"#)])
        XCTAssertEqual(loaded.issues, [])
        let retry = try XCTUnwrap(loaded.manifest?.controlTable.first?.retry)
        XCTAssertEqual(retry.attempts, 3)
        XCTAssertEqual(retry.backoff.seconds, 60)
    }

    func testAnEntryWithoutRetryIsTriedOnce() throws {
        let loaded = try load([commonEntryFields + #", "mode": "full""#])
        XCTAssertEqual(loaded.issues, [])
        XCTAssertNil(loaded.manifest?.controlTable.first?.retry)
    }

    func testTheBackoffDoublesBeforeEachAttempt() {
        let policy = RetryPolicy(attempts: 4, backoff: ISO8601Duration(seconds: 60))
        XCTAssertEqual(policy.waitSeconds(beforeAttempt: 2), 60)
        XCTAssertEqual(policy.waitSeconds(beforeAttempt: 3), 120)
        XCTAssertEqual(policy.waitSeconds(beforeAttempt: 4), 240)
        let long = RetryPolicy(attempts: 20, backoff: ISO8601Duration(seconds: 3600))
        XCTAssertEqual(long.waitSeconds(beforeAttempt: 20), RetryPolicy.maximumWaitSeconds)
    }

    func testBadRetryObjectsNameTheirJSONPath() throws {
        let loaded = try load([
            entry("a", retry: #"{"attempts": 3, "backoff": "PT1M"}"#),
            entry("b", retry: #"{"attempts": 3, "backoff": "PT1M"}"#),
            entry("c", retry: #"{"attempts": 3, "backoff": "1 minute"}"#),
            entry("d", retry: #"{"attempts": 0, "backoff": "PT1M"}"#),
            entry("e", retry: #"{"attempts": 3, "backof": "PT1M"}"#),
            entry("f", retry: #"{"attempts": 3, "backoff": "P1M"}"#),
            entry("g", retry: "3"),
            entry("h", retry: #"{"attempts": 50, "backoff": "PT1S"}"#),
        ])
        XCTAssertNil(loaded.manifest)
        XCTAssertEqual(loaded.issues, [
            #"plugins.json:8: $.control_table[2].retry.backoff: expected an ISO 8601 duration such as "PT10M", "P1D" or "PT1H30M", got "1 minute""#,
            "plugins.json:9: $.control_table[3].retry.attempts: expected an integer > 0, got 0",
            #"plugins.json:10: $.control_table[4].retry: missing required key "backoff""#,
            #"plugins.json:10: $.control_table[4].retry.backof: unknown key; did you mean "backoff"?"#,
            #"plugins.json:11: $.control_table[5].retry.backoff: years and months have no fixed length; use weeks or days, e.g. "P30D", got "P1M""#,
            "plugins.json:12: $.control_table[6].retry: expected an object, got 3",
            "plugins.json:13: $.control_table[7].retry.attempts: expected at most 20 attempts (the first included), got 50; for an outage longer than that, let the next scheduled run (or `run --failed-only`) try again",
        ])
    }
}
