/// Where an incremental read may resume: a value below which every record has been read.
///
/// An API that does not return records in cursor order may still hold, on a page not read yet,
/// a record older than every record read so far; so for such a stream the watermark stays at
/// the read's start until the read is complete, and only then becomes the highest cursor seen.
/// A stream declared `sorted_by_cursor` advances with every page emitted completely (its order
/// is checked record by record, see `HTTPBatchProducer`). Never below the start.
struct ReadWatermark: Sendable {
    /// The state the read started from (not the lookback-adjusted value it sent).
    let start: CursorValue?
    /// The stream returns records in cursor order.
    let sorted: Bool
    /// The highest cursor of the records met so far, in the order they came.
    var highestSeen: CursorValue?
    /// The highest cursor of the pages emitted completely.
    private var highestEmitted: CursorValue?
    /// Every page of the read was emitted.
    private(set) var complete = false

    init(start: CursorValue?, sorted: Bool) {
        self.start = start
        self.sorted = sorted
    }

    /// Every record of a page whose highest cursor is `highest` was emitted (or rejected).
    mutating func pageEmitted(highest: CursorValue?) {
        guard let highest else { return }
        if highestEmitted.map({ highest > $0 }) ?? true { highestEmitted = highest }
    }

    /// The last page was emitted: no record remains unread.
    mutating func readComplete() { complete = true }

    /// The resume state's cursor now: nil when nothing is known yet.
    var current: CursorValue? {
        let reached = sorted ? highestEmitted : (complete ? highestSeen : nil)
        guard let reached else { return start }
        guard let start else { return reached }
        return max(start, reached)
    }
}
