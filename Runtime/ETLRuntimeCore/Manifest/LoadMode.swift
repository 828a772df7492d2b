/// How an entry loads: everything each run, or only what is new since the watermark.
package enum LoadMode: String, Sendable, CaseIterable {
    /// Reload the whole stream into a staging table and swap it in.
    case full
    /// Read from the watermark (minus lookback) and checkpoint as batches commit.
    case incremental
}
