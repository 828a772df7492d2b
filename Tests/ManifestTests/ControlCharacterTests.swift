import ETLRuntimeCore
import XCTest

/// A name the runtime hands to a plugin reaches C as a NUL-terminated string, so a NUL would
/// cut it short (two entries with targets "t\0a" and "t\0b" would load one table "t"), and
/// other control characters make names nobody can see or type. `validate` refuses them all,
/// naming the JSON path, the character and where it is.
final class ControlCharacterTests: XCTestCase {
    private func issues(_ text: String) throws -> [String] {
        let workspace = try ManifestWorkspace()
        return workspace.rendered(try workspace.load(text))
    }

    private let rule = "identifiers must not contain control characters"

    func testANulInATargetIsRefusedWithItsPosition() throws {
        let text = manifest(entry: #""id": "users", "source": "crm", "stream": "users", "sink": "warehouse", "target": "user\u0000s", "mode": "full""#)
        XCTAssertEqual(try issues(text), [
            "plugins.json:6: $.control_table[0].target: contains the control character U+0000 at position 5; \(rule)",
        ])
    }

    func testTwoTargetsThatDifferOnlyAfterANulAreBothRefused() throws {
        let text = manifest(entries: [
            #""id": "a", "source": "crm", "stream": "users", "sink": "warehouse", "target": "t\u0000a", "mode": "full""#,
            #""id": "b", "source": "crm", "stream": "users", "sink": "warehouse", "target": "t\u0000b", "mode": "full""#,
        ])
        XCTAssertEqual(try issues(text), [
            "plugins.json:6: $.control_table[0].target: contains the control character U+0000 at position 2; \(rule)",
            "plugins.json:7: $.control_table[1].target: contains the control character U+0000 at position 2; \(rule)",
        ])
    }

    func testEveryNameAnEntryPassesOnIsChecked() throws {
        let text = manifest(entry: #"""
            "id": "users", "source": "crm", "stream": "us\ters", "sink": "warehouse", "target": "users",
            "mode": "incremental", "write": "merge", "cursor_field": "updated\nat", "primary_key": ["id", "region\u007f"]
            """#)
        XCTAssertEqual(try issues(text), [
            "plugins.json:6: $.control_table[0].stream: contains the control character U+0009 at position 3; \(rule)",
            "plugins.json:7: $.control_table[0].cursor_field: contains the control character U+000A at position 8; \(rule)",
            "plugins.json:7: $.control_table[0].primary_key[1]: contains the control character U+007F at position 7; \(rule)",
        ])
    }

    func testSourceAndSinkNamesAreChecked() throws {
        let text = manifest(
            entry: #""id": "users", "source": "cr\u001bm", "stream": "users", "sink": "ware\u0000house", "target": "users", "mode": "full""#,
            sources: #"{ "cr\u001bm": { "plugin": "http", "config": { "base_url": "https://crm.example.com" } } }"#,
            sinks: #"{ "ware\u0000house": { "plugin": "sqlite", "config": { "path": "warehouse.db" } } }"#)
        XCTAssertEqual(try issues(text), [
            #"plugins.json:3: $.sources["cr\u001Bm"]: contains the control character U+001B at position 3; "# + rule,
            #"plugins.json:4: $.sinks["ware\u0000house"]: contains the control character U+0000 at position 5; "# + rule,
            "plugins.json:6: $.control_table[0].source: contains the control character U+001B at position 3; \(rule)",
            "plugins.json:6: $.control_table[0].sink: contains the control character U+0000 at position 5; \(rule)",
        ])
    }

    func testColumnNamesTransformsGiveTheSinkAreChecked() throws {
        let text = manifest(entry: commonEntryFields + #"""
            , "mode": "full", "transforms": [
              {"rename": {"companyName": "na\u0000me"}},
              {"derive": {"score\u0001": "1"}},
              {"metadata": {"loaded_at": "\u001floaded"}}
            ]
            """#)
        XCTAssertEqual(try issues(text), [
            "plugins.json:7: $.control_table[0].transforms[0].rename.companyName: contains the control character U+0000 at position 3; \(rule)",
            #"plugins.json:8: $.control_table[0].transforms[1].derive["score\u0001"]: contains the control character U+0001 at position 6; "# + rule,
            "plugins.json:9: $.control_table[0].transforms[2].metadata.loaded_at: contains the control character U+001F at position 1; \(rule)",
        ])
    }

    func testOrdinaryNamesWithSpacesAndNonASCIILettersStillPass() throws {
        let text = manifest(entry: #""id": "users", "source": "crm", "stream": "users", "sink": "warehouse", "target": "Usuários ativos", "mode": "full""#)
        XCTAssertEqual(try issues(text), [])
    }
}
