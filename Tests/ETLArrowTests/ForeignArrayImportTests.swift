import CETLPlugin
import ETLArrow
import XCTest

/// A batch made by hand with plain C buffers, as another Arrow library would:
/// pool-style ownership (the root frees everything), a struct validity bitmap,
/// offsets at both levels, null_count -1, and text offsets that do not start at 0.
final class ForeignBatch {
    let schema = ArrowSchemaDescription(fields: [
        ArrowField(name: "amount", type: .int64),
        ArrowField(name: "label", type: .utf8),
    ])
    let root = UnsafeMutablePointer<ArrowArray>.allocate(capacity: 1)
    let releases = UnsafeMutablePointer<Int>.allocate(capacity: 1)

    /// Everything the root's release frees.
    private final class Pool {
        var memory: [UnsafeMutableRawPointer] = []
        let releases: UnsafeMutablePointer<Int>
        init(releases: UnsafeMutablePointer<Int>) { self.releases = releases }
        func allocate<T>(_ values: [T]) -> UnsafeMutableRawPointer {
            let bytes = malloc(Swift.max(1, MemoryLayout<T>.stride * values.count))!
            values.withUnsafeBytes { bytes.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            memory.append(bytes)
            return bytes
        }
        deinit { memory.forEach { free($0) } }
    }

    init() {
        releases.initialize(to: 0)
        let pool = Pool(releases: releases)
        // Column "amount": 6 physical values, sliced by 1; value 30 (index 2) is null.
        let amountValidity = pool.allocate([UInt8(0b1111_1011)])
        let amountValues = pool.allocate([Int64(10), 20, 30, 40, 50, 60])
        // Column "label": 5 values whose offsets start at 3 (bytes 0..<3 are unused).
        let labelOffsets = pool.allocate([Int32(3), 6, 6, 11, 14, 20])  // "one" "" "three" "4fo" "tail!!"
        let labelData = pool.allocate(Array("xxxonethree4fotail!!".utf8))
        let amountBuffers = pool.allocate([UnsafeRawPointer(amountValidity), UnsafeRawPointer(amountValues)] as [UnsafeRawPointer?])
        let labelBuffers = pool.allocate([nil, UnsafeRawPointer(labelOffsets), UnsafeRawPointer(labelData)] as [UnsafeRawPointer?])
        // Struct level: 4 rows from offset 1; the row at struct index 4 is null.
        let rootValidity = pool.allocate([UInt8(0b1110_1111)])
        let rootBuffers = pool.allocate([UnsafeRawPointer(rootValidity)] as [UnsafeRawPointer?])

        let children = UnsafeMutablePointer<ArrowArray>.allocate(capacity: 2)
        let childRelease: @convention(c) (UnsafeMutablePointer<ArrowArray>?) -> Void = { $0?.pointee.release = nil }
        children[0] = ArrowArray(
            length: 5, null_count: -1, offset: 1, n_buffers: 2, n_children: 0,
            buffers: amountBuffers.assumingMemoryBound(to: UnsafeRawPointer?.self), children: nil, dictionary: nil,
            release: childRelease, private_data: nil)
        children[1] = ArrowArray(
            length: 5, null_count: 0, offset: 0, n_buffers: 3, n_children: 0,
            buffers: labelBuffers.assumingMemoryBound(to: UnsafeRawPointer?.self), children: nil, dictionary: nil,
            release: childRelease, private_data: nil)
        let childPointers = UnsafeMutablePointer<UnsafeMutablePointer<ArrowArray>?>.allocate(capacity: 2)
        childPointers[0] = children
        childPointers[1] = children + 1
        pool.memory.append(UnsafeMutableRawPointer(children))
        pool.memory.append(UnsafeMutableRawPointer(childPointers))

        root.initialize(to: ArrowArray(
            length: 4, null_count: 1, offset: 1, n_buffers: 1, n_children: 2,
            buffers: rootBuffers.assumingMemoryBound(to: UnsafeRawPointer?.self), children: childPointers, dictionary: nil,
            release: { array in
                guard let array else { return }
                for index in 0..<Int(array.pointee.n_children) {
                    if let child = array.pointee.children[index], let release = child.pointee.release { release(child) }
                }
                let pool = Unmanaged<Pool>.fromOpaque(array.pointee.private_data!).takeRetainedValue()
                pool.releases.pointee += 1
                array.pointee.release = nil
            },
            private_data: Unmanaged.passRetained(pool).toOpaque()))
    }

    deinit {
        root.deallocate()
        releases.deallocate()
    }
}

final class ForeignArrayImportTests: XCTestCase {
    func testHandMadeArrayReadsWithEveryOffsetAndBitmapApplied() throws {
        let foreign = ForeignBatch()
        let batch = try ImportedRecordBatch(taking: foreign.root, schema: foreign.schema)
        XCTAssertNil(foreign.root.pointee.release, "importing moves the array")
        XCTAssertEqual(batch.rowCount, 4)
        let amount = batch.column(0)
        let label = batch.column(1)
        // Logical row r is struct index 1 + r; amount reads physical 1 + 1 + r.
        XCTAssertEqual(amount.int64(0), 30)
        XCTAssertTrue(amount.isNull(0), "amount's own bitmap clears physical index 2")
        XCTAssertEqual(amount.int64(1), 40)
        XCTAssertFalse(amount.isNull(1))
        XCTAssertEqual(amount.int64(2), 50)
        XCTAssertTrue(amount.isNull(3), "struct index 4 is a null row")
        XCTAssertTrue(label.isNull(3), "a null row is null in every column")
        XCTAssertEqual(label.string(0), "")
        XCTAssertEqual(label.string(1), "three")
        XCTAssertEqual(label.string(2), "4fo")
        XCTAssertFalse(label.isNull(0))
        XCTAssertEqual(foreign.releases.pointee, 0)
        withExtendedLifetime(batch) {}
    }

    func testHandMadeArrayIsReleasedOnceWhenTheBatchGoesAway() throws {
        let foreign = ForeignBatch()
        do {
            let batch = try ImportedRecordBatch(taking: foreign.root, schema: foreign.schema)
            XCTAssertEqual(batch.column(0).int64(1), 40)
        }
        XCTAssertEqual(foreign.releases.pointee, 1)
    }

    func testDecreasingOffsetsAreRefusedAndTheArrayStillReleased() {
        let foreign = ForeignBatch()
        let label = foreign.root.pointee.children[1]!
        let offsets = UnsafeMutableRawPointer(mutating: label.pointee.buffers[1]!).assumingMemoryBound(to: Int32.self)
        offsets[3] = 2
        XCTAssertThrowsError(try ImportedRecordBatch(taking: foreign.root, schema: foreign.schema)) { error in
            XCTAssertTrue("\(error)".contains("column 1 (\"label\", utf8), row 1 of the batch: its offsets decrease (6 then 2)"), "\(error)")
        }
        XCTAssertEqual(foreign.releases.pointee, 1)
    }

    func testWrongBufferCountIsRefused() {
        let foreign = ForeignBatch()
        foreign.root.pointee.children[0]!.pointee.n_buffers = 3
        XCTAssertThrowsError(try ImportedRecordBatch(taking: foreign.root, schema: foreign.schema)) { error in
            XCTAssertTrue("\(error)".contains("column 0 (\"amount\", int64) has 3 buffers; format \"l\" has 2"), "\(error)")
        }
        XCTAssertEqual(foreign.releases.pointee, 1)
    }

    func testSchemaWithOtherColumnCountIsRefused() {
        let foreign = ForeignBatch()
        let narrower = ArrowSchemaDescription(fields: [ArrowField(name: "amount", type: .int64)])
        XCTAssertThrowsError(try ImportedRecordBatch(taking: foreign.root, schema: narrower)) { error in
            XCTAssertTrue("\(error)".contains("the batch has 2 columns but the schema has 1"), "\(error)")
        }
        XCTAssertEqual(foreign.releases.pointee, 1)
    }

    func testNullCountWithoutBitmapIsRefused() {
        let foreign = ForeignBatch()
        foreign.root.pointee.children[1]!.pointee.null_count = 2
        XCTAssertThrowsError(try ImportedRecordBatch(taking: foreign.root, schema: foreign.schema)) { error in
            XCTAssertTrue("\(error)".contains("has null_count 2 but a NULL validity buffer"), "\(error)")
        }
    }
}
