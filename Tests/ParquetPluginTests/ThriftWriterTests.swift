import ETLThrift
import XCTest

/// The compact-protocol encoder produces exactly the bytes thrift-compact-protocol.md specifies.
final class ThriftWriterTests: XCTestCase {
    func testSmallFieldIdsShareTheirHeaderByteWithTheType() {
        var writer = ThriftCompactWriter()
        writer.writeStruct { fields in
            fields.writeField(1, i32: 7)
            fields.writeField(2, string: "ab")
        }
        // 0x15: delta 1, type i32; 7 zigzags to 14. 0x18: delta 1, type binary; length 2.
        XCTAssertEqual(writer.bytes, [0x15, 0x0E, 0x18, 0x02, 0x61, 0x62, 0x00])
    }

    func testAFieldIdJumpOfMoreThanFifteenIsWrittenInFull() {
        var writer = ThriftCompactWriter()
        writer.writeStruct { fields in
            fields.writeField(20, i64: -1)
            fields.writeField(21, bool: true)
            fields.writeField(22, bool: false)
        }
        // Type byte 0x06 then id 20 zigzagged (40 = 0x28); -1 zigzags to 1. Booleans live in the type nibble.
        XCTAssertEqual(writer.bytes, [0x06, 0x28, 0x01, 0x11, 0x12, 0x00])
    }

    func testNestedStructsRestoreTheOuterFieldIdForDeltas() {
        var writer = ThriftCompactWriter()
        writer.writeStruct { outer in
            outer.writeField(1) { inner in inner.writeField(1, i32: 1) }
            outer.writeField(2, i32: 2)
        }
        XCTAssertEqual(writer.bytes, [0x1C, 0x15, 0x02, 0x00, 0x15, 0x04, 0x00])
    }

    func testVarintsSpillIntoMoreBytesAndNegativeNumbersZigzag() {
        var writer = ThriftCompactWriter()
        writer.writeStruct { fields in
            fields.writeField(1, i32: 300)
            fields.writeField(2, i64: -300)
            fields.writeField(3, i16: -2)
        }
        // 300 → 600 = 0x258 → D8 04; -300 → 599 = 0x257 → D7 04; -2 → 3.
        XCTAssertEqual(writer.bytes, [0x15, 0xD8, 0x04, 0x16, 0xD7, 0x04, 0x14, 0x03, 0x00])
    }

    func testShortAndLongListsHaveTheirTwoHeaderForms() {
        var writer = ThriftCompactWriter()
        writer.writeStruct { fields in
            fields.writeField(1, i32List: [1, 2])
            fields.writeField(2, i32List: Array(repeating: 0, count: 20))
        }
        XCTAssertEqual(Array(writer.bytes.prefix(7)), [0x19, 0x25, 0x02, 0x04, 0x19, 0xF5, 0x14])
        XCTAssertEqual(writer.bytes.count, 7 + 20 + 1)
        XCTAssertEqual(writer.bytes.last, 0x00)
    }

    func testListsOfStructsAndStringsAndEmptyStructUnionMembers() {
        var writer = ThriftCompactWriter()
        writer.writeStruct { fields in
            fields.writeField(1, stringList: ["a"])
            fields.writeField(2, structList: [5, 6]) { element, value in element.writeField(1, i32: value) }
            fields.writeEmptyStructField(4)
        }
        XCTAssertEqual(writer.bytes, [0x19, 0x18, 0x01, 0x61,
                                      0x19, 0x2C, 0x15, 0x0A, 0x00, 0x15, 0x0C, 0x00,
                                      0x2C, 0x00,
                                      0x00])
    }

    func testDoublesAreEightLittleEndianBytesAndI8IsOneRawByte() {
        var writer = ThriftCompactWriter()
        writer.writeStruct { fields in
            fields.writeField(1, double: 1.5)
            fields.writeField(2, i8: -1)
        }
        XCTAssertEqual(writer.bytes, [0x17, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F, 0x13, 0xFF, 0x00])
    }
}
