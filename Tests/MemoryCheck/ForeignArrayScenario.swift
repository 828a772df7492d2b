#if canImport(Glibc)
import Glibc
#endif
import CETLPlugin
import ETLArrow

/// Imports a struct array built from plain malloc'ed buffers with a C release
/// callback that frees them all, as a C library would hand one over.
func runForeignArrayScenario() throws {
    let schema = ArrowSchemaDescription(fields: [
        ArrowField(name: "n", type: .int64),
        ArrowField(name: "s", type: .utf8),
    ])
    // One malloc block per buffer; the root's private_data lists them for release.
    func block<T>(_ values: [T]) -> UnsafeMutableRawPointer {
        let memory = malloc(MemoryLayout<T>.stride * values.count)!
        values.withUnsafeBytes { memory.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        return memory
    }
    let numbers = block([Int64(1), 2, 3, 4])
    let validity = block([UInt8(0b0000_1101)])
    let offsets = block([Int32(0), 1, 3, 6, 10])
    let text = block(Array("abbcccdddd".utf8))
    let numberBuffers = block([UnsafeRawPointer(validity), UnsafeRawPointer(numbers)] as [UnsafeRawPointer?])
    let textBuffers = block([nil, UnsafeRawPointer(offsets), UnsafeRawPointer(text)] as [UnsafeRawPointer?])
    let rootBuffers = block([nil] as [UnsafeRawPointer?])
    let children = UnsafeMutablePointer<ArrowArray>.allocate(capacity: 2)
    let childList = UnsafeMutablePointer<UnsafeMutablePointer<ArrowArray>?>.allocate(capacity: 2)
    childList[0] = children
    childList[1] = children + 1
    let owned: [UnsafeMutableRawPointer] = [numbers, validity, offsets, text, numberBuffers, textBuffers, rootBuffers,
                                           UnsafeMutableRawPointer(children), UnsafeMutableRawPointer(childList)]
    let ownedList = block(owned)
    let childRelease: @convention(c) (UnsafeMutablePointer<ArrowArray>?) -> Void = { $0?.pointee.release = nil }
    children[0] = ArrowArray(length: 4, null_count: -1, offset: 0, n_buffers: 2, n_children: 0,
                             buffers: numberBuffers.assumingMemoryBound(to: UnsafeRawPointer?.self),
                             children: nil, dictionary: nil, release: childRelease, private_data: nil)
    children[1] = ArrowArray(length: 4, null_count: 0, offset: 0, n_buffers: 3, n_children: 0,
                             buffers: textBuffers.assumingMemoryBound(to: UnsafeRawPointer?.self),
                             children: nil, dictionary: nil, release: childRelease, private_data: nil)
    var root = ArrowArray(
        length: 3, null_count: 0, offset: 1, n_buffers: 1, n_children: 2,
        buffers: rootBuffers.assumingMemoryBound(to: UnsafeRawPointer?.self), children: childList, dictionary: nil,
        release: { array in
            guard let array else { return }
            for index in 0..<2 {
                if let child = array.pointee.children[index], let release = child.pointee.release { release(child) }
            }
            let list = array.pointee.private_data!.assumingMemoryBound(to: UnsafeMutableRawPointer.self)
            for index in 0..<9 { free(list[index]) }
            free(list)
            array.pointee.release = nil
        },
        private_data: ownedList)
    let batch = try ImportedRecordBatch(taking: &root, schema: schema)
    try expect(batch.column(0).isNull(0), "foreign validity bit 1 is clear")
    try expect(batch.column(0).int64(1) == 3 && batch.column(1).string(2) == "dddd", "foreign values")
}
