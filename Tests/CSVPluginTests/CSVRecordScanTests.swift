import CCSVScan
import XCTest

/// The one-pass record scan the csv reader splits unquoted records with (`etl_csv_scan_record`),
/// checked against a byte-by-byte reading of the same rules: the record ends at the first line
/// feed; a quote byte before it sends the record to the quote rules; the fields are split at
/// every delimiter before it, the last ending at the line feed or at a CR just before it; any
/// byte >= 0x80 before the line feed is reported.
final class CSVRecordScanTests: XCTestCase {
    private struct Expected: Equatable {
        var status: etl_csv_scan_status
        var lineEnd = -1
        var contentLength = 0
        var fields: [[UInt8]] = []
        var hasHighBytes = false
    }

    private func reference(_ bytes: [UInt8], delimiter: UInt8, quote: UInt8?, endsAtLength: Bool = false) -> Expected {
        var fields: [[UInt8]] = []
        var field: [UInt8] = []
        var high = false
        for (index, byte) in bytes.enumerated() {
            if byte == quote { return Expected(status: ETL_CSV_SCAN_QUOTED) }
            if byte == 10 {
                let content = index > 0 && bytes[index - 1] == 13 ? index - 1 : index
                if content < index { field.removeLast() }  // the CR before the line feed
                fields.append(field)
                return Expected(status: ETL_CSV_SCAN_SPLIT, lineEnd: index, contentLength: content, fields: fields, hasHighBytes: high)
            }
            if byte >= 0x80 { high = true }
            if byte == delimiter {
                fields.append(field)
                field = []
            } else {
                field.append(byte)
            }
        }
        guard endsAtLength else { return Expected(status: ETL_CSV_SCAN_NO_LINE_END) }
        let content = bytes.last == 13 ? bytes.count - 1 : bytes.count
        if content < bytes.count { field.removeLast() }  // the CR before the end
        fields.append(field)
        return Expected(status: ETL_CSV_SCAN_SPLIT, lineEnd: bytes.count, contentLength: content, fields: fields, hasHighBytes: high)
    }

    private func scanned(_ bytes: [UInt8], delimiter: UInt8, quote: UInt8?, capacity: Int, endsAtLength: Bool = false) -> Expected {
        let fields = UnsafeMutablePointer<etl_csv_field>.allocate(capacity: max(capacity, 1))
        defer { fields.deallocate() }
        // The bytes alone in an allocation of their size, so a read past them would be caught by
        // the memory check (valgrind) rather than read the next record.
        let copy = UnsafeMutablePointer<UInt8>.allocate(capacity: max(bytes.count, 1))
        defer { copy.deallocate() }
        copy.initialize(from: bytes, count: bytes.count)
        let result = etl_csv_scan_record(copy, bytes.count, delimiter, quote.map { Int32($0) } ?? -1, endsAtLength, fields, capacity)
        guard result.status == ETL_CSV_SCAN_SPLIT else { return Expected(status: result.status) }
        let spans = (0..<Int(result.field_count)).map { index -> [UInt8] in
            XCTAssertFalse(fields[index].quoted)
            return Array(UnsafeRawBufferPointer(start: fields[index].start, count: fields[index].count))
        }
        return Expected(status: result.status, lineEnd: Int(result.line_end), contentLength: Int(result.content_length),
                        fields: spans, hasHighBytes: result.has_high_bytes != 0)
    }

    func testSplitsPlainRecordsAtEveryDelimiterUpToTheLineFeed() {
        let record = Array("22, Private, 205193, Some-college,,\n41, Private\n".utf8)
        let result = scanned(record, delimiter: UInt8(ascii: ","), quote: UInt8(ascii: "\""), capacity: 64)
        XCTAssertEqual(result.status, ETL_CSV_SCAN_SPLIT)
        XCTAssertEqual(result.lineEnd, 35)
        XCTAssertEqual(result.fields.map { String(decoding: $0, as: UTF8.self) }, ["22", " Private", " 205193", " Some-college", "", ""])
        XCTAssertFalse(result.hasHighBytes)
    }

    func testDropsTheCarriageReturnBeforeTheLineFeedOnly() {
        XCTAssertEqual(scanned(Array("a,b\r\n".utf8), delimiter: 44, quote: nil, capacity: 8).fields, [[97], [98]])
        XCTAssertEqual(scanned(Array("a,\r\n".utf8), delimiter: 44, quote: nil, capacity: 8).fields, [[97], []])
        XCTAssertEqual(scanned(Array("a\rb,c\n".utf8), delimiter: 44, quote: nil, capacity: 8).fields, [[97, 13, 98], [99]])
        let blank = scanned(Array("\r\nx\n".utf8), delimiter: 44, quote: nil, capacity: 8)
        XCTAssertEqual(blank.contentLength, 0)
        XCTAssertEqual(blank.lineEnd, 1)
    }

    func testAQuoteBeforeTheLineFeedSendsTheRecordToTheQuoteRulesAndOneAfterItDoesNot() {
        XCTAssertEqual(scanned(Array("a,\"b\"\n".utf8), delimiter: 44, quote: 34, capacity: 8).status, ETL_CSV_SCAN_QUOTED)
        XCTAssertEqual(scanned(Array("a,b\n\"c\"\n".utf8), delimiter: 44, quote: 34, capacity: 8).fields, [[97], [98]])
        XCTAssertEqual(scanned(Array("a,\"b\"\n".utf8), delimiter: 44, quote: nil, capacity: 8).fields, [[97], [34, 98, 34]])
    }

    func testReportsNoLineEndAndTooManyFields() {
        XCTAssertEqual(scanned(Array("a,b,c".utf8), delimiter: 44, quote: 34, capacity: 8).status, ETL_CSV_SCAN_NO_LINE_END)
        XCTAssertEqual(scanned([], delimiter: 44, quote: 34, capacity: 8).status, ETL_CSV_SCAN_NO_LINE_END)
        XCTAssertEqual(scanned(Array("a,b,c\n".utf8), delimiter: 44, quote: 34, capacity: 2).status, ETL_CSV_SCAN_FULL)
        XCTAssertEqual(scanned(Array("a,b,c\n".utf8), delimiter: 44, quote: 34, capacity: 3).fields, [[97], [98], [99]])
    }

    func testALastLineWithoutALineFeedEndsAtTheEndWhenAsked() {
        XCTAssertEqual(scanned(Array("a,b\r".utf8), delimiter: 44, quote: nil, capacity: 8, endsAtLength: true).fields, [[97], [98]])
        XCTAssertEqual(scanned(Array("a,b\r\r".utf8), delimiter: 44, quote: nil, capacity: 8, endsAtLength: true).fields, [[97], [98, 13]])
        XCTAssertEqual(scanned(Array("a,".utf8), delimiter: 44, quote: nil, capacity: 2, endsAtLength: true).fields, [[97], []])
        XCTAssertEqual(scanned(Array("a,".utf8), delimiter: 44, quote: nil, capacity: 1, endsAtLength: true).status, ETL_CSV_SCAN_FULL)
        XCTAssertEqual(scanned(Array("a,b\nc".utf8), delimiter: 44, quote: nil, capacity: 8, endsAtLength: true).lineEnd, 3)
    }

    /// Random records of 0-300 bytes (line feeds, CRs, quotes, delimiters and high bytes at any
    /// offset, so across the 64-byte blocks and in the last partial block), each dialect, each
    /// against the byte-by-byte reading.
    func testAgreesWithAByteByByteReadingOnRandomRecords() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [97, 98, 32, 44, 59, 9, 10, 13, 34, 0xC3, 0xA9, 0xFF, 0]
        for round in 0..<20_000 {
            let length = Int.random(in: 0...300, using: &generator)
            // Mostly text, so line feeds and quotes come late enough to cross blocks.
            let bytes = (0..<length).map { _ in
                Int.random(in: 0..<40, using: &generator) == 0 ? alphabet.randomElement(using: &generator)! : UInt8.random(in: 97...122, using: &generator)
            }
            let delimiter: UInt8 = [44, 59, 9, 0xA7][round % 4]
            let quote: UInt8? = round % 3 == 0 ? nil : 34
            let expected = reference(bytes, delimiter: delimiter, quote: quote)
            // Exactly the room a split record needs; otherwise room for a field per byte, as the
            // scan may need it before it knows there is no line feed.
            let capacity = expected.status == ETL_CSV_SCAN_SPLIT ? expected.fields.count : length + 1
            XCTAssertEqual(scanned(bytes, delimiter: delimiter, quote: quote, capacity: capacity), expected, "bytes \(bytes)")
            let untilEnd = reference(bytes, delimiter: delimiter, quote: quote, endsAtLength: true)
            XCTAssertEqual(scanned(bytes, delimiter: delimiter, quote: quote, capacity: length + 1, endsAtLength: true), untilEnd, "bytes \(bytes)")
            if expected.fields.count > 1 {
                XCTAssertEqual(scanned(bytes, delimiter: delimiter, quote: quote, capacity: expected.fields.count - 1).status,
                               ETL_CSV_SCAN_FULL, "bytes \(bytes)")
            }
        }
    }
}
