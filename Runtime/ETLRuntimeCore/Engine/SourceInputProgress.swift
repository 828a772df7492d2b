/// How much of its input a source's read has consumed, as the source reported it through the
/// host's `report_progress` (ABI 1.3): in a unit of its choosing (bytes of its files, rows of
/// their footers), the same for both numbers. What turns rows and bytes into a percentage and,
/// through `RemainingTimeEstimate`, a time left.
package struct SourceInputProgress: Sendable, Equatable, Codable {
    /// Units consumed so far.
    package var done: Int64
    /// Units the read will consume in all; nil when the source cannot tell.
    package var total: Int64?

    package init(done: Int64, total: Int64?) {
        self.done = done
        self.total = total
    }

    /// Done as a share of the total, 0...1 (a source that read more than it expected is done);
    /// nil without a total.
    package var fraction: Double? {
        guard let total else { return nil }
        guard total > 0 else { return 1 }
        return min(1, Double(max(done, 0)) / Double(total))
    }

    /// The whole percentage shown to users: 99 until the source reports all of it, so a load is
    /// never shown at 100 % while it still reads.
    package var percent: Int? {
        guard let fraction, let total else { return nil }
        let rounded = Int((fraction * 100).rounded(.down))
        return done >= total ? 100 : min(rounded, 99)
    }
}
