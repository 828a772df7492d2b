/// A read that ended with fewer records than the API's total announced: pages were skipped
/// (most often pages counted from 0 read from 1) or the server stopped early.
struct ShortRead: Sendable, Equatable {
    /// The stream's name.
    var stream: String
    /// Records the read received, rejected ones included.
    var read: Int64
    /// The last total the API announced (for an incremental read, its count of the filtered query).
    var total: Int64
    /// The likely cause, when the numbers point to one.
    var hint: String?

    /// What happened and how to fix it.
    var message: String {
        var text = "stream \"\(stream)\": the read ended with \(read) record\(read == 1 ? "" : "s") of the \(total) the API's total announced"
        if let hint { text += "; \(hint)" }
        text += ". Check the pagination settings, or set pagination.allow_short_read to true if the API's total may overcount"
        return text
    }

    /// The shortfall of a page-number read starting at `startPage` with pages of `pageSize`, or
    /// nil when nothing is missing. Reading a 0-based API from page 1 misses exactly its page 0.
    static func pageNumber(stream: String, read: Int64, total: Int64, startPage: Int64, pageSize: Int64) -> ShortRead? {
        guard read < total else { return nil }
        var hint: String?
        if startPage == 1, total - read == min(pageSize, total) {
            hint = "exactly one page is missing, so the API probably counts pages from 0: set pagination.start_page to 0"
        } else if read == 0, startPage == 0 {
            hint = "page 0 had no records, so the API probably counts pages from 1: set pagination.start_page to 1"
        }
        return ShortRead(stream: stream, read: read, total: total, hint: hint)
    }
}
