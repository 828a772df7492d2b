import CETLPlugin
import ETLArrow
import XCTest

/// A one-column batch made by hand, as a C producer would: every value's bytes go into the
/// data buffer as given, null rows included (Arrow leaves what a null slot holds undefined).
private final class HandMadeTextBatch {
    let root = UnsafeMutablePointer<ArrowArray>.allocate(capacity: 1)

    /// Memory the root's release frees.
    private final class Pool {
        var memory: [UnsafeMutableRawPointer] = []
        func allocate<T>(_ values: [T]) -> UnsafeMutableRawPointer {
            let bytes = malloc(Swift.max(1, MemoryLayout<T>.stride * values.count))!
            values.withUnsafeBytes { if let base = $0.baseAddress { bytes.copyMemory(from: base, byteCount: $0.count) } }
            memory.append(bytes)
            return bytes
        }
        deinit { memory.forEach { free($0) } }
    }

    init(_ values: [[UInt8]], nullRows: Set<Int> = []) {
        let pool = Pool()
        var offsets: [Int32] = [0]
        for value in values { offsets.append(offsets.last! + Int32(value.count)) }
        var validity = [UInt8](repeating: 0xFF, count: (values.count + 7) / 8)
        for row in nullRows { validity[row / 8] &= ~(1 << UInt8(row % 8)) }
        let buffers = pool.allocate([
            nullRows.isEmpty ? nil : UnsafeRawPointer(pool.allocate(validity)),
            UnsafeRawPointer(pool.allocate(offsets)),
            UnsafeRawPointer(pool.allocate(values.flatMap { $0 })),
        ] as [UnsafeRawPointer?])
        let column = pool.allocate([ArrowArray(
            length: Int64(values.count), null_count: Int64(nullRows.count), offset: 0, n_buffers: 3, n_children: 0,
            buffers: buffers.assumingMemoryBound(to: UnsafeRawPointer?.self), children: nil, dictionary: nil,
            release: { $0?.pointee.release = nil }, private_data: nil)])
        let children = pool.allocate([column.assumingMemoryBound(to: ArrowArray.self)] as [UnsafeMutablePointer<ArrowArray>?])
        let rootBuffers = pool.allocate([nil] as [UnsafeRawPointer?])
        root.initialize(to: ArrowArray(
            length: Int64(values.count), null_count: 0, offset: 0, n_buffers: 1, n_children: 1,
            buffers: rootBuffers.assumingMemoryBound(to: UnsafeRawPointer?.self),
            children: children.assumingMemoryBound(to: UnsafeMutablePointer<ArrowArray>?.self), dictionary: nil,
            release: { array in
                guard let array else { return }
                if let child = array.pointee.children[0], let release = child.pointee.release { release(child) }
                Unmanaged<Pool>.fromOpaque(array.pointee.private_data!).release()
                array.pointee.release = nil
            },
            private_data: Unmanaged.passRetained(pool).toOpaque()))
    }

    deinit { root.deallocate() }

    func imported(as type: ArrowColumnType) throws -> ImportedRecordBatch {
        try ImportedRecordBatch(taking: root, schema: ArrowSchemaDescription(fields: [ArrowField(name: "text", type: type)]))
    }
}

/// A utf8 column holds UTF-8: importing a batch checks every non-null value and names the first
/// one that is not, since a sink would otherwise store the bytes as text.
final class ImportTextValidationTests: XCTestCase {
    private func refusal(_ batch: HandMadeTextBatch, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            _ = try batch.imported(as: .utf8)
            XCTFail("the batch was accepted", file: file, line: line)
            return ""
        } catch {
            return "\(error)"
        }
    }

    func testInvalidUTF8IsRefusedNamingTheColumnTheRowAndTheByte() {
        let message = refusal(HandMadeTextBatch([Array("ok".utf8), Array("fine".utf8), [0x61, 0xFF, 0x62]]))
        XCTAssertTrue(
            message.contains(#"column 0 ("text", utf8), row 2 of the batch: not valid UTF-8 (byte 0xFF at byte 1 of the value)"#),
            message)
    }

    func testEachForbiddenFormIsRefused() {
        let forbidden: [(String, [UInt8])] = [
            ("overlong slash", [0xC0, 0xAF]), ("surrogate", [0xED, 0xA0, 0x80]), ("beyond U+10FFFF", [0xF4, 0x90, 0x80, 0x80]),
            ("lone continuation", [0x80]), ("truncated at the end", [0x41, 0xE2, 0x82]),
        ]
        for (name, bytes) in forbidden {
            let message = refusal(HandMadeTextBatch([Array("fine".utf8), bytes]))
            XCTAssertTrue(message.contains("row 1 of the batch: not valid UTF-8"), "\(name): \(message)")
        }
    }

    /// "x\u{C3}" then "\u{A9}y": together the bytes spell "xéy", but neither value is UTF-8.
    func testASequenceSplitAcrossTwoValuesIsRefused() {
        let message = refusal(HandMadeTextBatch([[0x78, 0xC3], [0xA9, 0x79]]))
        XCTAssertTrue(message.contains("row 0 of the batch: not valid UTF-8 (byte 0xC3 at byte 1 of the value)"), message)
    }

    func testMultiByteTextPasses() throws {
        let texts = ["", "Zürich", "日本語", "🙂 emoji", String(repeating: "ascii only ", count: 20) + "é"]
        let batch = try HandMadeTextBatch(texts.map { Array($0.utf8) }).imported(as: .utf8)
        XCTAssertEqual((0..<batch.rowCount).map { batch.column(0).string($0) }, texts)
    }

    /// Arrow leaves the bytes of a null slot undefined: they are not text and are not checked.
    func testBytesUnderANullAreNotChecked() throws {
        let batch = try HandMadeTextBatch([Array("ok".utf8), [0xFF, 0xFE], Array("é".utf8)], nullRows: [1]).imported(as: .utf8)
        XCTAssertTrue(batch.column(0).isNull(1))
        XCTAssertEqual(batch.column(0).string(2), "é")
    }

    func testBinaryColumnsHoldAnyBytes() throws {
        let batch = try HandMadeTextBatch([[0xFF, 0x00, 0xC0]]).imported(as: .binary)
        XCTAssertEqual(Array(batch.column(0).bytes(0)), [0xFF, 0x00, 0xC0])
    }

    func testDecreasingOffsetsNameTheRow() {
        let batch = HandMadeTextBatch([Array("one".utf8), Array("two".utf8), Array("three".utf8)])
        let offsets = UnsafeMutableRawPointer(mutating: batch.root.pointee.children[0]!.pointee.buffers[1]!)
            .assumingMemoryBound(to: Int32.self)
        offsets[2] = 1
        let message = refusal(batch)
        XCTAssertTrue(message.contains(#"column 0 ("text", utf8), row 1 of the batch: its offsets decrease (3 then 1)"#), message)
    }

    /// Offsets are checked many rows at a time; the row named is still the first that goes back.
    func testADecreaseFarIntoALongColumnNamesItsRow() {
        let batch = HandMadeTextBatch((0..<200).map { Array("value \($0)".utf8) })
        let offsets = UnsafeMutableRawPointer(mutating: batch.root.pointee.children[0]!.pointee.buffers[1]!)
            .assumingMemoryBound(to: Int32.self)
        let before = offsets[137]
        offsets[138] = before - 2
        let message = refusal(batch)
        XCTAssertTrue(message.contains("row 137 of the batch: its offsets decrease (\(before) then \(before - 2))"), message)
    }

    /// A negative offset after a very large one must not pass for an increase (their difference
    /// wraps around in 32 bits).
    func testAJumpFromAHugeOffsetToANegativeOneIsADecrease() {
        let batch = HandMadeTextBatch((0..<40).map { _ in Array("x".utf8) })
        let offsets = UnsafeMutableRawPointer(mutating: batch.root.pointee.children[0]!.pointee.buffers[1]!)
            .assumingMemoryBound(to: Int32.self)
        for index in 21...40 { offsets[index] = Int32.max }
        offsets[31] = Int32.min + 10
        let message = refusal(batch)
        XCTAssertTrue(message.contains("row 30 of the batch: its offsets decrease (\(Int32.max) then \(Int32.min + 10))"), message)
    }
}
