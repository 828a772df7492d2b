@testable import ETLParquetFormat
import CETLPlugin
import ETLArrow
import XCTest

/// The value and level decoders on hand-built bytes (parquet-format Encodings.md), and the
/// conversions no writer at hand produces.
final class ParquetFormatDecoderTests: XCTestCase {
    func testRLEHybridMixesRunsAndBitPackedGroups() throws {
        // Run of 5 × value 3 (header 5<<1 = 0x0A, 1 byte), then one bit-packed group of 8
        // 3-bit values 0..7 (header 1<<1|1 = 0x03): 0b10001000 0b11000110 0b11111010.
        var cursor = ByteCursor([0x0A, 0x03, 0x03, 0x88, 0xC6, 0xFA])
        let values = try RLEHybridDecoder.decode(&cursor, bitWidth: 3, count: 13)
        XCTAssertEqual(values, [3, 3, 3, 3, 3, 0, 1, 2, 3, 4, 5, 6, 7])
        var short = ByteCursor([0x0A, 0x03])
        XCTAssertThrowsError(try RLEHybridDecoder.decode(&short, bitWidth: 3, count: 6)) { error in
            XCTAssert("\(error)".contains("RLE data ends after 5 of 6 values"), "\(error)")
        }
    }

    func testDeprecatedBitPackedLevelsAreMostSignificantBitFirst() throws {
        // 0..7 in 3 bits, MSB first: 000 001 010 011 100 101 110 111.
        var cursor = ByteCursor([0b0000_0101, 0b0011_1001, 0b0111_0111])
        XCTAssertEqual(try RLEHybridDecoder.decodeBitPackedMSBFirst(&cursor, bitWidth: 3, count: 8), [0, 1, 2, 3, 4, 5, 6, 7])
    }

    func testDeltaBinaryPackedFromTheSpecExample() throws {
        // 7, 5, 3, 1, 2, 3, 4, 5: block 128, 4 miniblocks, 8 values, first 7; min delta -2,
        // deltas +2 relative: 0 0 0 3 3 3 3 → width 2 for the first miniblock, rest absent.
        var bytes: [UInt8] = [0x80, 0x01, 0x04, 0x08, 0x0E, 0x03, 0x02, 0x00, 0x00, 0x00]
        // 32 values of 2 bits = 8 bytes: deltas (minus min) 0,0,0,3,3,3,3 then padding 0s.
        bytes += [0b1100_0000, 0b1111_1111, 0, 0, 0, 0, 0, 0]
        var cursor = ByteCursor(bytes)
        XCTAssertEqual(try DeltaBinaryPackedDecoder.decode(&cursor), [7, 5, 3, 1, 2, 3, 4, 5])
        XCTAssertEqual(cursor.position, bytes.count)
    }

    func testByteArrayBackedDecimalsAreBigEndianTwosComplement() throws {
        var values = ByteValues()
        values.append([0x01, 0xE2, 0x40] as [UInt8])  // 123456
        values.append([0xFF, 0x85] as [UInt8])  // -123
        values.append([] as [UInt8])  // 0
        values.append([0xFF] + [UInt8](repeating: 0xFF, count: 16))  // -1 in 17 bytes: sign extension only
        values.append([0x01] + [UInt8](repeating: 0x00, count: 16))  // 2^128: too wide
        let reader = LeafValueReader(conversion: .decimal(precision: 20, scale: 2), values: .bytes(values), path: "\"amount\"")
        XCTAssertEqual(try reader.decimal(0).text, "1234.56")
        XCTAssertEqual(try reader.decimal(1).text, "-1.23")
        XCTAssertEqual(try reader.decimal(2).text, "0.00")
        XCTAssertEqual(try reader.decimal(3).text, "-0.01")
        XCTAssertThrowsError(try reader.decimal(4)) { error in
            XCTAssert("\(error)".contains("column \"amount\", value 4: a decimal of 17 bytes exceeds 128 bits"), "\(error)")
        }
        XCTAssertEqual(try LeafConversion.of(decimalElement(.byteArray), path: "amount"), .decimal(precision: 20, scale: 2))
    }

    func testDecimalsWiderThanDecimal128AreRefusedByName() {
        var element = decimalElement(.fixedLenByteArray)
        element.precision = 40
        element.logicalType = .decimal(scale: 2, precision: 40)
        XCTAssertThrowsError(try LeafConversion.of(element, path: "\"big\"")) { error in
            XCTAssert("\(error)".contains("column \"big\" is DECIMAL(40, 2); decimal128 holds at most 38 digits"), "\(error)")
        }
    }

    func testUnsigned64BitIntegersLoadAsDecimal20() throws {
        let reader = LeafValueReader(conversion: .uint64, values: .int64([-1, 5]), path: "u")
        let builder = RecordBatchBuilder(schema: ArrowSchemaDescription(fields: [ArrowField(name: "u", type: LeafConversion.uint64.arrowType)]))
        try reader.append(0, to: builder, column: 0)
        try reader.append(1, to: builder, column: 0)
        var array = ArrowArray()
        try builder.finish(into: &array)
        let batch = try ImportedRecordBatch(taking: &array, schema: builder.schema)
        XCTAssertEqual(batch.column(0).decimal128(0).text, "18446744073709551615")
        XCTAssertEqual(batch.column(0).decimal128(1).text, "5")
    }

    private func decimalElement(_ type: ParquetPhysicalType) -> ParquetSchemaElement {
        var element = ParquetSchemaElement.make(name: "amount", type: type)
        element.typeLength = type == .fixedLenByteArray ? 17 : nil
        element.convertedTypeNumber = ParquetConvertedType.decimal.rawValue
        element.precision = 20
        element.scale = 2
        return element
    }
}
