/// Copies a struct a plugin filled in, reading no more than its `struct_size` says it has.
///
/// A plugin built against an older minor of the ABI hands over smaller structs (an ABI 1.0
/// `etl_source_api` lacks 1.1's `create_with_descriptor`); copying `MemoryLayout<T>.size` bytes
/// from it would read past its end (into whatever follows, or off a heap block). The copy is
/// zero-filled first, so a field the plugin's version does not have reads as 0 / NULL.
enum SizedStructCopy {
    /// The struct at `pointer`, whose first field is its `uint32_t struct_size`.
    static func load<T>(_ pointer: UnsafePointer<T>) -> T {
        let declared = Int(UnsafeRawPointer(pointer).load(as: UInt32.self))
        let count = min(declared, MemoryLayout<T>.size)
        let copy = UnsafeMutableRawPointer.allocate(byteCount: MemoryLayout<T>.size, alignment: MemoryLayout<T>.alignment)
        defer { copy.deallocate() }
        copy.initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<T>.size)
        copy.copyMemory(from: UnsafeRawPointer(pointer), byteCount: count)
        return copy.load(as: T.self)
    }
}
