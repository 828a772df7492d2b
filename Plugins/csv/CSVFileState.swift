import ETLPluginKit

/// Where an incremental read of one file stands: one element of the resume state's `files`.
///
/// The path says where the file was last seen; which file it is, is said by its device and
/// inode and by its content: `head` (its first bytes) and `fingerprint` (the bytes before
/// `offset`). A file found under another path, or a copy under a new inode, that holds the same
/// bytes continues this state (see `ResumeMatcher`).
struct CSVFileState: Sendable, Hashable {
    /// The file's path, as the glob expanded it.
    var path: String
    /// Bytes consumed: the offset just after the last record read (loaded or rejected).
    var offset: Int64
    /// The physical line number of the next record.
    var line: Int64
    /// The file's size when it was last read.
    var size: Int64
    /// The device the file was on, or nil in a state saved before devices were recorded.
    var device: UInt64?
    /// The file's inode when it was last read (0 for a remote file).
    var inode: UInt64
    /// The fingerprint of the file's first `ContentHead.length(forOffset: offset)` bytes, or nil
    /// in a state saved before heads were recorded (such a state belongs to its inode only).
    var head: ContentHead?
    /// True when the last record was read without a line break at the end of the file: bytes
    /// appended later first continue that line (see `CSVRecordReader`).
    var done: Bool
    /// `ByteSource.fingerprint(before: offset)` when the state was taken.
    var fingerprint: String
    /// The file's header names, kept for a file known by its path (an http(s) URL): a read that
    /// resumes it then needs no request for its first line. Nil for other files, and in states
    /// saved before headers were kept (the header is read from the file then).
    var header: [String]?
    /// For an object in a store (`s3://`, `gs://`): its ETag and modification time when it was
    /// read. The same ETag and size as the listing shows now means the object did not change,
    /// and is skipped without a request; nil for other files.
    var etag: String?
    var modified: Double?

    /// Reads one element of `files`. `device`, `head` and `head_bytes` are optional: the
    /// path-keyed state of earlier versions has none of them.
    /// - Throws: `ETL_BAD_DATA` (via the caller) for a missing or wrong-typed member.
    init(_ object: PluginConfig) throws(PluginError) {
        path = try object.string("path")
        offset = try object.int("offset")
        line = try object.int("line")
        size = try object.int("size")
        device = try object.optionalInt("device").map { UInt64(bitPattern: $0) }
        inode = UInt64(bitPattern: try object.int("inode"))
        done = try object.bool("done")
        fingerprint = try object.string("fingerprint")
        header = try object.optionalStringArray("header")
        etag = try object.optionalString("etag")
        modified = try object.optionalDouble("modified")
        guard offset >= 0, line >= 1, size >= 0 else {
            throw .invalidConfig("\(object.path) has offset \(offset), line \(line), size \(size): offset and size must be 0 or more, line 1 or more")
        }
        switch (try object.optionalInt("head_bytes"), try object.optionalString("head")) {
        case (nil, nil):
            head = nil
        case (let length?, let hash?):
            guard length == ContentHead.length(forOffset: offset) else {
                throw .invalidConfig("\(object.path).head_bytes is \(length); for offset \(offset) it must be \(ContentHead.length(forOffset: offset))")
            }
            head = ContentHead(length: length, hash: hash)
        default:
            throw .invalidConfig("\(object.path) must have both \"head_bytes\" and \"head\", or neither")
        }
    }

    /// Creates the state of a file read for the first time.
    init(path: String) {
        self.path = path
        offset = 0
        line = 1
        size = 0
        device = nil
        inode = 0
        head = nil
        done = false
        fingerprint = ""
        header = nil
        etag = nil
        modified = nil
    }

    /// The element as JSON text, members in a fixed order.
    var jsonText: String {
        var text = "{\"path\":\(JSONValue.string(path).serialized()),\"offset\":\(offset),\"line\":\(line),\"size\":\(size),"
        if let device { text += "\"device\":\(Int64(bitPattern: device))," }
        text += "\"inode\":\(Int64(bitPattern: inode)),"
        if let head { text += "\"head_bytes\":\(head.length),\"head\":\(JSONValue.string(head.hash).serialized())," }
        text += "\"done\":\(done),\"fingerprint\":\(JSONValue.string(fingerprint).serialized())"
        if let header { text += ",\"header\":" + JSONValue.array(header.map { .string($0) }).serialized() }
        if let etag { text += ",\"etag\":" + JSONValue.string(etag).serialized() }
        if let modified, let number = JSONNumber(modified) { text += ",\"modified\":" + JSONValue.number(number).serialized() }
        return text + "}"
    }
}
