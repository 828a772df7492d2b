import Foundation

/// The freshness cell of each entry's row: a badge with the level `check --freshness` gives, and
/// each of its checks' message (the age and the limits, e.g. `last successful run 2h1m ago (warn
/// after PT1H, error after P1D)`). The ages and levels are those at the snapshot's time; each
/// check that has an age also carries what its verdict needs (see `liveAttributes`), so the
/// page's script keeps the age counting and the level rising while the page stays open.
extension ReportPage {
    static func freshnessCell(_ freshness: ReportFreshness, entryID: String) -> String {
        guard case .judged(let results) = freshness, let result = results[entryID], let level = result.level else {
            // No `freshness` on this entry, an inactive entry, or nothing judged at all.
            return "<td class=\"freshness\">-</td>"
        }
        let checks = result.checks.map { check in
            let parts = check.messageParts
            let age = parts.age.map { "<span class=\"fresh-age\">\(HTMLText.escape($0))</span>" } ?? ""
            return "<div class=\"freshness-check\" data-check=\"\(check.kind.rawValue)\" data-level=\"\(check.level.name)\"\(liveAttributes(check))>"
                + "\(HTMLText.escape(parts.lead))\(age)\(HTMLText.escape(parts.tail))</div>"
        }.joined()
        return """
            <td class="freshness" data-freshness="\(level.name)"><span class="badge fresh-\(level.name)">\(level.name)</span>\(checks)</td>
            """
    }

    /// What the script needs to judge a check again later, as `FreshnessCheck` does: when its
    /// clock started (the last success's end or the newest file's modification, epoch ms), its
    /// age at the snapshot (the script never shows it younger: the browser's clock may lag the
    /// state's), and its limits in seconds. A check without an age (no success yet, no file)
    /// is an error already and gets none: it cannot get staler.
    static func liveAttributes(_ check: EntryFreshness.Check) -> String {
        guard let age = check.ageSeconds, let since = check.since.flatMap(Timestamp.epochSeconds) else { return "" }
        var html = " data-since-ms=\"\(Int64((since * 1000).rounded()))\" data-age-seconds=\"\(String(format: "%.3f", age))\""
        if let warn = check.thresholds.warnAfter { html += " data-warn-after=\"\(warn.seconds)\"" }
        if let error = check.thresholds.errorAfter { html += " data-error-after=\"\(error.seconds)\"" }
        return html
    }

    /// Above the entries, when freshness could not be judged: why.
    static func freshnessNotice(_ freshness: ReportFreshness) -> String {
        guard case .unavailable(let reason) = freshness else { return "" }
        return "<p class=\"muted freshness-unavailable\">Freshness is not shown: \(HTMLText.escape(reason))</p>"
    }
}
