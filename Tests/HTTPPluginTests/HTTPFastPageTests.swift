import ETLRuntimeCore
import Foundation
import TestSupport
import XCTest

/// The source reads pages of declared columns straight from the response bytes; a read with
/// `ETL_HTTP_TREE_PAGES=1` parses every page into a tree instead. Both ways must load the same
/// rows, report the same rejects and end at the same watermark, whatever the records hold.
final class HTTPFastPageTests: XCTestCase {
    private var server: MockAPIServer!

    /// Escapes (the mock writes non-ASCII as \u escapes), emoji, nulls, missing members,
    /// nested values, exponents, integers past Int64, strings where numbers or flags go, and an
    /// escaped member name.
    private static let records = #"""
    [{"id": 1, "updated_at": "2024-01-02T00:00:00Z", "name": "plain", "note": "tab\tquote\" back\\ slash/ nl\n",
      "big": 123456789012345678901234, "ratio": 1.5e300, "flag": true, "meta": {"a": [1, 2.50, {"b": null}], "c": "é"},
      "assignees": [{"username": "ana"}, {"username": "bo"}], "day": "2024-02-29", "kéy": "accented"},
     {"id": 2, "updated_at": "2024-01-03T00:00:00Z", "name": "Tâche ✓ 😀", "note": null, "ratio": -2E-7, "flag": "FALSE",
      "meta": [], "assignees": []},
     {"id": 3, "updated_at": "2024-01-01T00:00:00Z", "name": "", "ratio": 0, "flag": false, "meta": "text",
      "assignees": [{"username": null}], "big": -9223372036854775808, "day": "2023-12-31T23:59:59Z"},
     {"id": 4, "updated_at": "2024-01-04T00:00:00Z", "name": 42, "ratio": "3.25", "meta": 1e5, "assignees": [{"name": "x"}],
      "big": 7.0}]
    """#

    override func setUpWithError() throws {
        server = try MockAPIServer(tasks: 0)
        try server.upsertTasks(Self.records)
    }

    override func tearDown() {
        unsetenv("ETL_HTTP_TREE_PAGES")
        server = nil
    }

    private static var variedColumns: [[String: Any]] { [
        ["name": "id", "type": "int64"], ["name": "name", "type": "text"], ["name": "note", "type": "text"],
        ["name": "big", "type": "text"], ["name": "big_number", "path": "$.big", "type": "double"],
        ["name": "ratio", "type": "double"], ["name": "flag", "type": "bool"], ["name": "meta", "type": "json"],
        ["name": "assignee", "path": "$.assignees[0].username", "type": "text"], ["name": "day", "type": "date"],
        ["name": "updated_at", "type": "timestamp"], ["name": "missing", "path": "$.nothing.deeper", "type": "text"],
        ["name": "key", "path": "$['kéy']", "type": "text"],
    ] }

    private func stream(_ columns: [[String: Any]], extra: [String: Any] = [:]) -> [String: Any] {
        var stream: [String: Any] = ["path": "/page/tasks", "records_path": "$.tasks", "columns": columns,
                                     "pagination": ["type": "page_number", "size_param": "per_page", "page_size": 3, "total_path": "$.total"]]
        for (key, value) in extra { stream[key] = value }
        return stream
    }

    /// The same read scanned from bytes, then parsed into trees. With `scanOnly`, a page the
    /// scan gives up on fails the read: the first result is then the scan's own work.
    private func readBothWays(_ stream: [String: Any], cursor: String? = nil, initialValue: String? = nil,
                              scanOnly: Bool = true) throws -> (scanned: HTTPReadResult, tree: HTTPReadResult) {
        try Self.readBothWays(scanOnly: scanOnly) {
            try HTTPTestPlugin.source(self.server, stream: stream).readAll(cursor: cursor, initialValue: initialValue)
        }
    }

    private static func readBothWays(scanOnly: Bool = true, _ read: () throws -> HTTPReadResult) throws
        -> (scanned: HTTPReadResult, tree: HTTPReadResult) {
        defer {
            unsetenv("ETL_HTTP_SCAN_ONLY")
            unsetenv("ETL_HTTP_TREE_PAGES")
        }
        if scanOnly { setenv("ETL_HTTP_SCAN_ONLY", "1", 1) }
        let scanned = try read()
        unsetenv("ETL_HTTP_SCAN_ONLY")
        setenv("ETL_HTTP_TREE_PAGES", "1", 1)
        let tree = try read()
        return (scanned, tree)
    }

    func testVariedRecordsLoadTheSameRowsBothWays() throws {
        let (scanned, tree) = try readBothWays(stream(Self.variedColumns))
        XCTAssertEqual(scanned.rows, tree.rows)
        XCTAssertEqual(scanned.rejects, tree.rejects)
        XCTAssertEqual(scanned.rows.count, 4)
        XCTAssertEqual(scanned.schema.fields.filter(\.isJSON).map(\.name), ["meta"], "a json column is marked as JSON text (arrow.json)")
        // The mock serves records by updated_at: ids 3, 1, 2, 4.
        let byID = Dictionary(uniqueKeysWithValues: scanned.rows.map { ($0[0] ?? "", $0) })
        let first = try XCTUnwrap(byID["1"])
        XCTAssertEqual(first[2], "tab\tquote\" back\\ slash/ nl\n")
        XCTAssertEqual(first[3], "123456789012345678901234")
        XCTAssertEqual(first[7], #"{"a":[1,2.5,{"b":null}],"c":"é"}"#)
        XCTAssertEqual(first[8], "ana")
        XCTAssertNil(first[11])
        XCTAssertEqual(first[12], "accented")
        XCTAssertEqual(byID["2"]?[1], "Tâche ✓ 😀")
        XCTAssertEqual(byID["2"]?[6], "false")
        XCTAssertEqual(byID["3"]?[8], .some(nil))
        XCTAssertEqual(byID["4"]?[1], "42")
    }

    /// Integers and decimals of every length (the byte path converts short ones itself and
    /// leaves the rest to the general conversion) load bit for bit as the tree path loads them.
    func testNumbersOfEveryLengthLoadTheSameValuesBothWays() throws {
        var generator = SplitMix(seed: 4)
        var records: [String] = []
        let fixed = ["0", "-0", "-0.0", "0.1", "0.3", "2.5", "-1.75", "123456789012345", "1234567890.12345",
                     "0.000000000000001", "9007199254740993", "999999999999999999", "9223372036854775807",
                     "-9223372036854775808", "1e300", "5e-324", "123.456e2"]
        for (index, number) in fixed.enumerated() {
            records.append(#"{"id": \#(index + 1), "updated_at": "2024-01-01T00:00:00Z", "ratio": \#(number), "count": \#(number.contains(where: { ".e".contains($0) }) ? "null" : number)}"#)
        }
        for index in fixed.count..<fixed.count + 400 {
            // Up to 18 digits: every count fits int64, so no record is rejected and the scan reads every page.
            let digits = String((0..<Int(generator.next() % 18 + 1)).map { _ in Character(String(generator.next() % 10)) })
            let integer = digits.drop(while: { $0 == "0" }).isEmpty ? "0" : String(digits.drop(while: { $0 == "0" }))
            let point = Int(generator.next() % UInt64(integer.count + 1))
            let sign = generator.next() % 3 == 0 ? "-" : ""
            let decimal = point == 0 ? integer : "\(integer.prefix(integer.count - point).isEmpty ? "0" : String(integer.prefix(integer.count - point))).\(integer.suffix(point))"
            records.append(#"{"id": \#(index + 1), "updated_at": "2024-01-01T00:00:00Z", "ratio": \#(sign)\#(decimal), "count": \#(sign)\#(integer)}"#)
        }
        try server.reset()
        try server.upsertTasks("[" + records.joined(separator: ",") + "]")
        let columns: [[String: Any]] = [["name": "id", "type": "int64"], ["name": "ratio", "type": "double"],
                                        ["name": "count", "type": "int64"], ["name": "count_text", "path": "$.count", "type": "text"]]
        var numbers = stream(columns)
        numbers["pagination"] = ["type": "page_number", "size_param": "per_page", "page_size": 100, "total_path": "$.total"]
        let (scanned, tree) = try readBothWays(numbers)
        XCTAssertEqual(scanned.rows.count, records.count)
        XCTAssertEqual(scanned.rows.count, tree.rows.count)
        for (fast, slow) in zip(scanned.rows, tree.rows) where fast != slow {
            XCTFail("record \(fast[0] ?? "?"): read from bytes \(fast), from the tree \(slow)")
            break
        }
        XCTAssertEqual(scanned.rejects, tree.rejects)
        let byID = Dictionary(uniqueKeysWithValues: scanned.rows.map { ($0[0] ?? "", $0) })
        XCTAssertEqual(byID["2"]?[2], "0")
        XCTAssertEqual(byID["3"]?[1], "-0.0")
        XCTAssertEqual(byID["4"]?[1], "0.1")
        XCTAssertEqual(byID["13"]?[2], "9223372036854775807")
    }

    /// Pages exactly as written (a static file, not re-encoded by the mock): raw UTF-8, and a
    /// quote, a backslash escape or a multi-byte character at every place in an eight-byte word,
    /// where the scanner's word-at-a-time string walk must stop or carry on.
    func testStringsWithSpecialBytesAtEveryOffsetLoadTheSameBothWays() throws {
        let files = TemporaryDirectory("http-raw-pages")
        var records: [String] = []
        var expected: [String?] = []
        let specials: [(json: String, text: String)] = [
            (#"\""#, "\""), (#"\\"#, "\\"), (#"\u00e9"#, "é"), ("é", "é"), ("😀", "😀"), ("x", "x"),
        ]
        for length in 0..<20 {
            for special in specials {
                let prefix = String(repeating: "a", count: length), suffix = String(repeating: "b", count: length % 9)
                records.append(#"{"id": \#(records.count + 1), "name": "\#(prefix)\#(special.json)\#(suffix)"}"#)
                expected.append(prefix + special.text + suffix)
            }
        }
        // A member name written with an escape is still the column's member.
        records.append(#"{"id": \#(records.count + 1), "n\u0061me": "escaped key"}"#)
        expected.append("escaped key")
        try files.write("page.json", #"{"tasks": ["# + records.joined(separator: ", ") + "]}")
        try files.write("control.json", "{\"tasks\": [{\"id\": 1, \"name\": \"sixteen bytes ok\u{01}long\"}]}")
        let server = try RangeFileServer(root: files.path)
        let columns: [[String: Any]] = [["name": "id", "type": "int64"], ["name": "name", "type": "text"]]
        func source(_ path: String) throws -> SourceInstance {
            try HTTPTestPlugin.source(baseURL: server.baseURL, stream: [
                "path": path, "records_path": "$.tasks", "columns": columns, "pagination": ["type": "none"],
            ])
        }
        let (scanned, tree) = try Self.readBothWays { try source("/page.json").readAll() }
        XCTAssertEqual(scanned.rows, tree.rows)
        XCTAssertEqual(scanned.rows.map { $0[1] }, expected)
        // A raw control byte inside a long string is malformed JSON: the scan gives up on it,
        // and the tree way reports it.
        setenv("ETL_HTTP_SCAN_ONLY", "1", 1)
        XCTAssertThrowsError(try source("/control.json").readAll()) { error in
            XCTAssertTrue("\(error)".contains("the byte scan gave up"), "\(error)")
        }
        unsetenv("ETL_HTTP_SCAN_ONLY")
        XCTAssertThrowsError(try source("/control.json").readAll()) { error in
            XCTAssertTrue("\(error)".contains("control.json"), "\(error)")
        }
    }

    func testValuesOfTheWrongTypeRejectTheSameRecordsBothWays() throws {
        let columns: [[String: Any]] = [["name": "id", "type": "int64"], ["name": "ratio", "type": "double"],
                                        ["name": "big", "type": "int64"], ["name": "meta", "type": "int64"]]
        // Pages with records to reject go the tree way, so rejects read exactly as they always have.
        let (scanned, tree) = try readBothWays(stream(columns), scanOnly: false)
        XCTAssertEqual(scanned.rows, tree.rows)
        XCTAssertEqual(scanned.rejects, tree.rejects)
        XCTAssertEqual(scanned.rejects.count, 3)
        XCTAssertEqual(scanned.ids, [4])
    }

    func testIncrementalReadEndsAtTheSameWatermarkBothWays() throws {
        let incremental: [String: Any] = ["param": "updated_since", "format": "iso8601", "cursor_path": "$.updated_at"]
        let (scanned, tree) = try readBothWays(stream([["name": "id", "type": "int64"]], extra: ["incremental": incremental]),
                                               cursor: "updated_at", initialValue: "\"2000-01-01T00:00:00Z\"")
        XCTAssertEqual(scanned.rows, tree.rows)
        XCTAssertEqual(scanned.checkpoints, tree.checkpoints)
        XCTAssertEqual(scanned.lastCheckpoint, #"{"cursor":"2024-01-04T00:00:00Z"}"#)
    }

    func testCursorPaginationFollowsTheSameCursorsBothWays() throws {
        let cursorStream: [String: Any] = ["path": "/cursor/tasks", "records_path": "$.data", "columns": Self.variedColumns,
                                           "pagination": ["type": "cursor", "cursor_path": "$.meta.next_cursor", "limit": 2]]
        let (scanned, tree) = try readBothWays(cursorStream)
        XCTAssertEqual(scanned.rows, tree.rows)
        XCTAssertEqual(scanned.ids, [3, 1, 2, 4])
    }
}

/// A small seeded generator, so a failing case repeats.
private struct SplitMix {
    var seed: UInt64
    mutating func next() -> UInt64 {
        seed &+= 0x9E37_79B9_7F4A_7C15
        var value = seed
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}

/// The http source reads timestamp fields as the csv and sqlite plugins do (one shared reading).
final class HTTPSharedTimestampTests: XCTestCase {
    func testTheHTTPSourceAcceptsExactlyTheSharedISO8601Forms() throws {
        let server = try MockAPIServer(tasks: 0)
        let texts = TimestampForms.accepted.map(\.text) + TimestampForms.refused
        let records = texts.enumerated().map { #"{"id": \#($0.offset + 1), "updated_at": "2024-01-01T00:00:00Z", "at": "\#($0.element)"}"# }
        try server.upsertTasks("[" + records.joined(separator: ", ") + "]")
        let stream: [String: Any] = [
            "path": "/page/tasks", "records_path": "$.tasks", "pagination": ["type": "none"],
            "columns": [["name": "id", "type": "int64"], ["name": "at", "type": "timestamp"]],
        ]
        let result = try HTTPTestPlugin.source(server, stream: stream).readAll()
        XCTAssertEqual(result.rows.map { $0[1] }, TimestampForms.accepted.map { String($0.micros) })
        XCTAssertEqual(result.rejects.count, TimestampForms.refused.count)
    }
}
