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
    /// Where a child of the new batch comes from.
    enum Child {
        /// Child `index` of `parent`, moved: its release is set to NULL there, and the caller
        /// releases the parent afterwards.
        case moved(parent: UnsafeMutablePointer<ArrowArray>, index: Int)
        /// An array the new batch takes over (e.g. from `ColumnTake`).
        case owned(ArrowArray)
    }

    /// A new struct array at `out` (overwritten) of `children`, in order.
    static func assemble(into out: UnsafeMutablePointer<ArrowArray>, length: Int, children: [Child]) {
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
        for (index, child) in children.enumerated() {
            switch child {
            case .moved(let parent, let childIndex):
                let source = parent.pointee.children[childIndex]!
                (structs + index).initialize(to: source.pointee)
                source.pointee.release = nil
            case .owned(let array):
                (structs + index).initialize(to: array)
            }
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
