/// The last few bytes handed out by a sequential reader, with the file offset they end at: what
/// the resume state's fingerprint (the bytes before the new offset) is made of, kept so that a
/// remote input need not fetch them again.
struct RecentBytes {
    let capacity: Int
    private var bytes: [UInt8] = []
    /// The file offset just after `bytes`.
    private var end: Int64 = 0

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Adds `new`, which ends at file offset `newEnd`; bytes that do not continue the kept ones
    /// replace them.
    mutating func append<Bytes: Collection>(_ new: Bytes, endingAt newEnd: Int64) where Bytes.Element == UInt8 {
        if newEnd - Int64(new.count) != end { bytes.removeAll(keepingCapacity: true) }
        bytes.append(contentsOf: new.suffix(capacity))
        if bytes.count > capacity { bytes.removeFirst(bytes.count - capacity) }
        end = newEnd
    }

    /// The `count` bytes at `offset` when they are all kept, else nil.
    func bytes(at offset: Int64, count: Int) -> [UInt8]? {
        let start = end - Int64(bytes.count)
        guard offset >= start, offset + Int64(count) <= end else { return nil }
        let from = Int(offset - start)
        return Array(bytes[from..<from + count])
    }
}
