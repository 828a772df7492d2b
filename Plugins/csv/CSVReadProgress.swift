import ETLPluginKit
import ETLTransport

/// How much of the files a read plans to visit it has consumed, in bytes of the files as stored
/// (compressed bytes for a compressed file): what the host turns into a percentage and an
/// estimated time left (`PluginHost.reportProgress`, ABI 1.3).
///
/// Each planned file counts its size less where the read starts in it (a compressed or UTF-16
/// file is read whole); sizes come from `stat` for local files and from the listing for object
/// stores. An http(s) or sftp input has no size before it is fetched: its size is learnt when it
/// is opened (the response's length), so a read reports its total once every such file was
/// opened, a single remote file from the first batch on. A compressed remote file's size stays
/// unknown (its reader sees only the decompressed text), and so does the total of its read.
struct CSVReadProgress {
    /// The bytes each planned file adds to the total, by plan index; nil for a size unknown.
    private var shares: [Int64?]
    /// The total, when every planned file's size is known.
    var total: Int64? {
        var sum: Int64 = 0
        for share in shares {
            guard let share else { return nil }
            sum += share
        }
        return sum
    }
    /// The most reported so far: a decompressing input that starts over reads its first bytes
    /// again, which is no step back for the load.
    private var reported: Int64 = 0

    init(plan: [PlannedFile], opener: InputOpener) {
        shares = plan.map { planned in
            let size: Int64? =
                if ObjectStoreURL.isObjectStore(planned.path) {
                    opener.objectVersion(planned.path)?.size
                } else if RemoteURL(planned.path) != nil {
                    nil
                } else {
                    LocalFileSize.bytes(planned.path)
                }
            guard let size else { return nil }
            return Swift.max(0, size - (opener.isWholeFile(planned.path) ? 0 : planned.offset))
        }
    }

    /// Takes the size of the planned file at `fileIndex` as its reader found it on opening, when
    /// the plan did not know it; `start` is where the read begins in it.
    mutating func learn(fileIndex: Int, size: Int64, start: Int64) {
        guard fileIndex < shares.count, shares[fileIndex] == nil, size >= 0, size < .max else { return }
        shares[fileIndex] = Swift.max(0, size - start)
    }

    /// Bytes consumed when the files before `fileIndex` are done and the file at `fileIndex` (if
    /// any) has given `consumedInFile` of its bytes; never less than before.
    mutating func done(beforeFile fileIndex: Int, consumedInFile: Int64) -> Int64 {
        var done: Int64 = 0
        for share in shares.prefix(fileIndex) { done += share ?? 0 }
        if fileIndex < shares.count {
            done += Swift.max(0, Swift.min(consumedInFile, shares[fileIndex] ?? consumedInFile))
        }
        reported = Swift.max(reported, done)
        return reported
    }
}
