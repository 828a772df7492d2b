/// Bytes read from a pipe, split into lines. A line longer than `limit` is cut there (the rest
/// up to its newline is dropped), so one endless line cannot grow the reader's memory or a
/// log event without bound.
package struct OutputLines: Sendable {
    /// One line, without its newline.
    package struct Line: Sendable, Equatable {
        package var bytes: [UInt8]
        /// True when the line went on past the limit and was cut.
        package var wasCut: Bool
    }

    /// The longest line kept whole: 8 KiB.
    package static let defaultLimit = 8192

    package let limit: Int
    private var pending: [UInt8] = []
    /// Dropping the rest of a line that was cut, up to its newline.
    private var skipping = false

    package init(limit: Int = OutputLines.defaultLimit) {
        self.limit = limit
    }

    /// Adds `bytes` and returns the lines they complete.
    package mutating func append(_ bytes: [UInt8]) -> [Line] {
        var lines: [Line] = []
        var start = 0
        while start < bytes.count {
            let newline = bytes[start...].firstIndex(of: 0x0A)
            let end = newline ?? bytes.count
            if skipping {
                skipping = newline == nil
            } else {
                pending.append(contentsOf: bytes[start..<end])
                if pending.count > limit {
                    lines.append(Line(bytes: Array(pending.prefix(limit)), wasCut: true))
                    pending.removeAll()
                    skipping = newline == nil
                } else if newline != nil {
                    lines.append(Line(bytes: pending, wasCut: false))
                    pending.removeAll()
                }
            }
            start = end + 1
        }
        return lines
    }

    /// What is left at the end of the stream: a last line without a newline, if any.
    package mutating func finish() -> Line? {
        defer {
            pending.removeAll()
            skipping = false
        }
        return pending.isEmpty ? nil : Line(bytes: pending, wasCut: false)
    }
}
