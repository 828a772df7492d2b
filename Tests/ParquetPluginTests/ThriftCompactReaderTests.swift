import ETLParquetFormat
import ETLThrift
import XCTest

/// The Thrift compact decoder on hand-built bytes (thrift-compact-protocol.md).
final class ThriftCompactReaderTests: XCTestCase {
    /// Reads a struct's fields as (id, value-as-text) pairs, skipping any type not listed.
    private func fields(_ bytes: [UInt8]) throws -> [(Int16, String)] {
        var reader = ThriftCompactReader(bytes)
        var result: [(Int16, String)] = []
        try reader.beginStruct()
        while let field = try reader.nextField() {
            switch field.type {
            case .i32: result.append((field.id, String(try reader.readI32())))
            case .i64: result.append((field.id, String(try reader.readI64())))
            case .booleanTrue, .booleanFalse: result.append((field.id, String(try reader.readBool())))
            case .binary: result.append((field.id, try reader.readString()))
            case .list:
                let items = try reader.readList(of: .i32) { (r: inout ThriftCompactReader) throws(ThriftDecodingError) in try r.readI32() }
                result.append((field.id, items.map(String.init).joined(separator: ",")))
            default:
                try reader.skip(field.type)
                result.append((field.id, "skipped"))
            }
        }
        reader.endStruct()
        XCTAssertEqual(reader.position, bytes.count, "the whole struct is consumed")
        return result
    }

    func testShortFieldHeadersZigzagIntegersAndStop() throws {
        // field 1 i32 150 (zigzag 300 = AC 02), field 2 i64 -1 (zigzag 1), field 5 i32 -2 (zigzag 3)
        let decoded = try fields([0x15, 0xAC, 0x02, 0x16, 0x01, 0x35, 0x03, 0x00])
        XCTAssertEqual(decoded.map(\.0), [1, 2, 5])
        XCTAssertEqual(decoded.map(\.1), ["150", "-1", "-2"])
    }

    func testLongFieldHeaderCarriesTheIdAsZigzagI16() throws {
        // delta 0, type i32, then id 100 as zigzag varint (200 = C8 01), value 7; then a short delta from 100.
        let decoded = try fields([0x05, 0xC8, 0x01, 0x0E, 0x15, 0x02, 0x00])
        XCTAssertEqual(decoded.map(\.0), [100, 101])
        XCTAssertEqual(decoded.map(\.1), ["7", "1"])
    }

    func testBooleanFieldsCarryTheirValueInTheHeader() throws {
        let decoded = try fields([0x11, 0x12, 0x00])
        XCTAssertEqual(decoded.map(\.1), ["true", "false"])
    }

    func testBinaryAndListsShortAndLong() throws {
        // field 1 binary "héj" (4 bytes), field 2 list<i32> [1, -1, 2], field 3 list<i32> of 16 zeros (long form).
        var bytes: [UInt8] = [0x18, 0x04, 0x68, 0xC3, 0xA9, 0x6A, 0x19, 0x35, 0x02, 0x01, 0x04, 0x19, 0xF5, 0x10]
        bytes += [UInt8](repeating: 0x00, count: 16) + [0x00]
        let decoded = try fields(bytes)
        XCTAssertEqual(decoded.map(\.1), ["héj", "1,-1,2", Array(repeating: "0", count: 16).joined(separator: ",")])
    }

    func testUnknownFieldsOfEveryTypeAreSkipped() throws {
        var bytes: [UInt8] = []
        bytes += [0x17] + [UInt8](repeating: 0x40, count: 8)  // field 1: double
        bytes += [0x1C, 0x15, 0x02, 0x1A, 0x18, 0x01, 0x61, 0x00]  // field 2: struct { i32, set<binary>{"a"} }
        bytes += [0x1B, 0x02, 0x85, 0x01, 0x61, 0x02, 0x01, 0x62, 0x04]  // field 3: map<binary, i32> {"a": 1, "b": 2}
        bytes += [0x13, 0x7F]  // field 4: byte
        bytes += [0x1B, 0x00]  // field 5: empty map
        bytes += [0x15, 0x54, 0x00]  // field 6: i32 42
        let decoded = try fields(bytes)
        XCTAssertEqual(decoded.map(\.0), [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(decoded.last?.1, "42")
    }

    func testTruncatedAndOversizedValuesAreErrorsWithOffsets() {
        XCTAssertThrowsError(try fields([0x15, 0xAC])) { error in
            XCTAssertEqual("\(error)", "a varint runs past the end of the bytes (at byte 1)")
        }
        XCTAssertThrowsError(try fields([0x18, 0x05, 0x61])) { error in
            XCTAssertEqual("\(error)", "a binary of 5 bytes runs past the end (1 remain) (at byte 1)")
        }
        XCTAssertThrowsError(try fields([0x19, 0xF5, 0xFF, 0xFF, 0x03])) { error in
            XCTAssert("\(error)".contains("a list claims 65535 elements"), "\(error)")
        }
        XCTAssertThrowsError(try fields([0x15, 0x80, 0x80, 0x80, 0x80, 0x20, 0x00])) { error in
            XCTAssert("\(error)".contains("outside 32 bits"), "\(error)")
        }
        XCTAssertThrowsError(try fields([0x1D, 0x00])) { error in
            XCTAssertEqual("\(error)", "unknown compact type 13 in a field header (at byte 0)")
        }
        let deep = [UInt8](repeating: 0x1C, count: 100) + [UInt8](repeating: 0x00, count: 101)
        XCTAssertThrowsError(try fields(deep)) { error in
            XCTAssert("\(error)".contains("nest deeper than 64"), "\(error)")
        }
    }

    func testPageHeaderDecodesFromItsThriftFields() throws {
        // PageHeader{type: DATA_PAGE, uncompressed 10, compressed 12, data_page_header{3 values, PLAIN, RLE, RLE}, crc skipped}
        let bytes: [UInt8] = [0x15, 0x00, 0x15, 0x14, 0x15, 0x18, 0x15, 0x09,
                              0x1C, 0x15, 0x06, 0x15, 0x00, 0x15, 0x06, 0x15, 0x06, 0x00, 0x00, 0xEE]
        let (header, end) = try ParquetPageHeader.decode(bytes, at: 0)
        XCTAssertEqual(end, bytes.count - 1, "decoding stops after the header, before the page bytes")
        XCTAssertEqual(header.type, .dataPage)
        XCTAssertEqual(header.uncompressedPageSize, 10)
        XCTAssertEqual(header.compressedPageSize, 12)
        XCTAssertEqual(header.dataPage?.numValues, 3)
        XCTAssertEqual(header.dataPage?.encodingNumber, 0)
        XCTAssertEqual(header.dataPage?.definitionLevelEncodingNumber, 3)
        XCTAssertNil(header.dictionaryPage)
        XCTAssertThrowsError(try ParquetPageHeader.decode([0x15, 0x00, 0x00], at: 0)) { error in
            XCTAssert("\(error)".contains("PageHeader has no type and page sizes"), "\(error)")
        }
    }
}
