/// The freshness cell of each entry's row: a badge with the level `check --freshness` gives, and
/// each of its checks' message (the age and the limits, e.g. `last successful run 2h1m ago (warn
/// after PT1H, error after P1D)`). The ages are those at the snapshot's time, like the level.
extension ReportPage {
    static func freshnessCell(_ freshness: ReportFreshness, entryID: String) -> String {
        guard case .judged(let results) = freshness, let result = results[entryID], let level = result.level else {
            // No `freshness` on this entry, an inactive entry, or nothing judged at all.
            return "<td class=\"freshness\">-</td>"
        }
        let checks = result.checks.map { check in
            "<div class=\"freshness-check\" data-check=\"\(check.kind.rawValue)\" data-level=\"\(check.level.name)\">\(HTMLText.escape(check.message))</div>"
        }.joined()
        return """
            <td class="freshness" data-freshness="\(level.name)"><span class="badge fresh-\(level.name)">\(level.name)</span>\(checks)</td>
            """
    }

    /// Above the entries, when freshness could not be judged: why.
    static func freshnessNotice(_ freshness: ReportFreshness) -> String {
        guard case .unavailable(let reason) = freshness else { return "" }
        return "<p class=\"muted freshness-unavailable\">Freshness is not shown: \(HTMLText.escape(reason))</p>"
    }
}
