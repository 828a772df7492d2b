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
