#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CETLPlugin

/// A struct array made of child arrays moved out of other struct arrays (the C Data Interface
/// allows moving a child and then releasing its parent): how an untouched column goes from the
/// source's batch to the sink's without a copy.
enum BatchAssembly {
    /// Moves each `(parent, child index)` into a new struct array at `out` (overwritten), in order.
    /// Each moved child's release is set to NULL in its old parent, which the caller then releases.
    static func assemble(into out: UnsafeMutablePointer<ArrowArray>, length: Int, children: [(UnsafeMutablePointer<ArrowArray>, Int)]) {
        let count = children.count
        // One block, as RecordBatchBuilder lays it out: the buffer list (a NULL validity), the
        // child pointers, then the child structs.
        let listSize = MemoryLayout<UnsafeRawPointer?>.stride
        let pointersSize = MemoryLayout<UnsafeMutablePointer<ArrowArray>?>.stride * count
        guard let block = malloc(listSize + pointersSize + MemoryLayout<ArrowArray>.stride * Swift.max(count, 1)) else {
            fatalError("etl-runtime: out of memory assembling a batch of \(count) columns")
        }
        let bufferList = block.bindMemory(to: UnsafeRawPointer?.self, capacity: 1)
        bufferList[0] = nil
        let pointers = (block + listSize).bindMemory(to: UnsafeMutablePointer<ArrowArray>?.self, capacity: count)
        let structs = (block + listSize + pointersSize).bindMemory(to: ArrowArray.self, capacity: count)
        for (index, (parent, child)) in children.enumerated() {
            let source = parent.pointee.children[child]!
            (structs + index).initialize(to: source.pointee)
            source.pointee.release = nil
            pointers[index] = structs + index
        }
        out.initialize(to: ArrowArray(
            length: Int64(length), null_count: 0, offset: 0, n_buffers: 1, n_children: Int64(count),
            buffers: UnsafeMutablePointer(mutating: bufferList), children: count > 0 ? pointers : nil, dictionary: nil,
            release: releaseAssembledBatch, private_data: block))
    }
}

/// Release callback of an assembled batch: releases each child it still owns, then the block.
private func releaseAssembledBatch(_ array: UnsafeMutablePointer<ArrowArray>?) {
    guard let array, array.pointee.release != nil else { return }
    if let children = array.pointee.children {
        for index in 0..<Int(array.pointee.n_children) {
            if let child = children[index], let release = child.pointee.release { release(child) }
        }
    }
    free(array.pointee.private_data)
    array.pointee.release = nil
}
