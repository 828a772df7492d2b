@testable import ETLParquetFormat
import XCTest

/// The RLE / bit-packing hybrid of definition levels and dictionary indices, on exact bytes
/// (parquet-format Encodings.md).
final class ParquetWriterRLETests: XCTestCase {
    func testARunOfEightOrMoreBecomesAnRLERunAndTheRestIsBitPacked() {
        let levels: [UInt32] = Array(repeating: 1, count: 10) + [0, 1, 0]
        // RLE: header 10 << 1, value 1 (one byte); bit-packed: one group (header 1 << 1 | 1), bits 0,1,0 → 0b010.
        XCTAssertEqual(RLEHybridEncoder.encode(levels, bitWidth: 1), [0x14, 0x01, 0x03, 0x02])
    }

    func testLiteralsAreToppedUpToAWholeGroupBeforeARunStarts() {
        let levels: [UInt32] = [1, 1, 1] + Array(repeating: 0, count: 10)
        // 3 literals + 5 of the run make one group; the 5 zeros left are too short for a run.
        XCTAssertEqual(RLEHybridEncoder.encode(levels, bitWidth: 1), [0x05, 0x07, 0x00])
    }

    func testWiderValuesPackLeastSignificantBitFirst() {
        // bitWidth 3: 0..7 packed → the spec's example bytes 10001000 11000110 11111010.
        XCTAssertEqual(RLEHybridEncoder.encode([0, 1, 2, 3, 4, 5, 6, 7], bitWidth: 3), [0x03, 0x88, 0xC6, 0xFA])
    }

    func testRunValuesTakeAsManyBytesAsTheBitWidthNeeds() {
        XCTAssertEqual(RLEHybridEncoder.encode(Array(repeating: 300, count: 8), bitWidth: 9), [0x10, 0x2C, 0x01])
        XCTAssertEqual(RLEHybridEncoder.bitWidth(forMaximum: 0), 1)
        XCTAssertEqual(RLEHybridEncoder.bitWidth(forMaximum: 255), 8)
        XCTAssertEqual(RLEHybridEncoder.bitWidth(forMaximum: 256), 9)
    }
}
