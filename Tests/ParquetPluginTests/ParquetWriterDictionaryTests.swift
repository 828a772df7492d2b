@testable import ETLParquetFormat
import XCTest

/// The byte-array dictionary numbers values in first-seen order and lays out a PLAIN
/// dictionary page, however many values it holds.
final class ParquetWriterDictionaryTests: XCTestCase {
    private func entry(_ text: String, _ index: inout ByteArrayDictionaryIndex, _ page: inout [UInt8]) -> UInt32 {
        Array(text.utf8).withUnsafeBytes { index.entry(for: $0, page: &page) }
    }

    func testValuesAreNumberedInFirstSeenOrderAndStoredOnceAsPlainByteArrays() {
        var index = ByteArrayDictionaryIndex()
        var page: [UInt8] = []
        XCTAssertEqual(["b", "", "a", "b", "", "a"].map { entry($0, &index, &page) }, [0, 1, 2, 0, 1, 2])
        XCTAssertEqual(page, [1, 0, 0, 0, 0x62, 0, 0, 0, 0, 1, 0, 0, 0, 0x61])
        XCTAssertEqual(index.count, 3)
    }

    func testTheTableGrowsWithoutLosingOrMixingUpEntries() {
        var index = ByteArrayDictionaryIndex()
        var page: [UInt8] = []
        for round in 0..<2 {
            for value in 0..<10_000 {
                XCTAssertEqual(entry("value \(value)", &index, &page), UInt32(value), "round \(round)")
            }
        }
        XCTAssertEqual(index.count, 10_000)
        XCTAssertEqual(entry("value 10000", &index, &page), 10_000)
    }
}
