import ETLPluginKit

/// Where an incremental read of one file stands: one element of the resume state's `files`.
struct CSVFileState: Sendable, Hashable {
    /// The file's path, as the glob expanded it.
    var path: String
    /// Bytes consumed: the offset just after the last record read (loaded or rejected).
    var offset: Int64
    /// The physical line number of the next record.
    var line: Int64
    /// The file's size when it was last read.
    var size: Int64
    /// The file's inode when it was last read.
    var inode: UInt64
    /// True when the last record was read without a line break at the end of the file: bytes
    /// appended later first continue that line (see `CSVRecordReader`).
    var done: Bool
    /// `InputFile.fingerprint(before: offset)` when the state was taken.
    var fingerprint: String

    /// Reads one element of `files`.
    /// - Throws: `ETL_BAD_DATA` (via the caller) for a missing or wrong-typed member.
    init(_ object: PluginConfig) throws(PluginError) {
        path = try object.string("path")
        offset = try object.int("offset")
        line = try object.int("line")
        size = try object.int("size")
        inode = UInt64(bitPattern: try object.int("inode"))
        done = try object.bool("done")
        fingerprint = try object.string("fingerprint")
        guard offset >= 0, line >= 1, size >= 0 else {
            throw .invalidConfig("\(object.path) has offset \(offset), line \(line), size \(size): offset and size must be 0 or more, line 1 or more")
        }
    }

    /// Creates the state of a file read for the first time.
    init(path: String, inode: UInt64) {
        self.path = path
        offset = 0
        line = 1
        size = 0
        self.inode = inode
        done = false
        fingerprint = ""
    }

    /// The element as JSON text, members in a fixed order.
    var jsonText: String {
        "{\"path\":\(JSONValue.string(path).serialized()),\"offset\":\(offset),\"line\":\(line),\"size\":\(size),"
            + "\"inode\":\(Int64(bitPattern: inode)),\"done\":\(done),\"fingerprint\":\(JSONValue.string(fingerprint).serialized())}"
    }
}
