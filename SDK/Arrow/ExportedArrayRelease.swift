#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CETLPlugin

// Release callbacks of the arrays RecordBatchBuilder exports. Each column array
// owns its buffers and its buffer list (its private_data), so a consumer may move
// a column out of the batch and release the batch first, as the spec allows.

/// Release callback of an exported column: frees each buffer, then the buffer list.
func releaseExportedColumn(_ array: UnsafeMutablePointer<ArrowArray>?) {
    guard let array, array.pointee.release != nil else { return }
    if let buffers = array.pointee.buffers {
        for index in 0..<Int(array.pointee.n_buffers) {
            free(UnsafeMutableRawPointer(mutating: buffers[index]))
        }
    }
    free(array.pointee.private_data)
    array.pointee.release = nil
}

/// Release callback of an exported batch (struct array): releases the columns
/// not moved out, then frees the block holding the batch's buffer list, child
/// pointers and child structs.
func releaseExportedBatch(_ array: UnsafeMutablePointer<ArrowArray>?) {
    guard let array, array.pointee.release != nil else { return }
    if let children = array.pointee.children {
        for index in 0..<Int(array.pointee.n_children) {
            if let child = children[index], let release = child.pointee.release { release(child) }
        }
    }
    free(array.pointee.private_data)
    array.pointee.release = nil
}
