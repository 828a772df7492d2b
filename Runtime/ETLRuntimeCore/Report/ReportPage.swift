import Foundation

/// The report as one self-contained HTML page: inline CSS, inline SVG charts, a few lines of
/// inline script (ages that keep counting while the page is open) and nothing fetched — the
/// Content-Security-Policy forbids any request, so a mistake here cannot reach the network.
package enum ReportPage {
    /// How the page is served: a file (`report`), or by `serve`, which links its table viewer.
    package struct Options: Sendable {
        /// The viewer's address, when there is one.
        package var tablesLink: String?
        package init(tablesLink: String? = nil) { self.tablesLink = tablesLink }
    }

    package static func html(_ snapshot: ReportSnapshot, options: Options = Options()) -> String {
        let now = ReportTime.date(snapshot.generatedAt) ?? Date()
        var body = header(snapshot, options: options)
        body += entriesSection(snapshot, now: now)
        body += dependencySection(snapshot)
        body += chartsSection(snapshot)
        body += failuresSection(snapshot)
        body += rejectsSection(snapshot)
        return document(title: "etl-runtime report", body: body)
    }

    /// The page around `body`, with the shared style and script (the table viewer uses it too).
    /// Only the script carrying this page's nonce runs: should markup from an error or a record
    /// ever slip past the escaping, a `<script>` in it would still be refused by the browser.
    package static func document(title: String, body: String) -> String {
        let nonce = Data((0..<16).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-\(nonce)'; form-action 'self'; base-uri 'none'">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(HTMLText.escape(title))</title>
        <style>\(ReportStyle.css)</style>
        </head>
        <body>
        \(body)
        <script nonce="\(nonce)">\(ReportStyle.script)</script>
        </body>
        </html>

        """
    }

    static func header(_ snapshot: ReportSnapshot, options: Options) -> String {
        var html = """
            <header><h1>etl-runtime report</h1><p class="meta">manifest <code>\(HTMLText.escape(snapshot.manifest))</code> · \
            state <code>\(HTMLText.escape(snapshot.state))</code> · generated <time datetime="\(HTMLText.escape(snapshot.generatedAt))">\
            \(HTMLText.escape(snapshot.generatedAt))</time></p>
            """
        html += "<nav><a href=\"#entries\">Entries</a> <a href=\"#dag\">Dependencies</a> <a href=\"#charts\">Runs over time</a> "
        html += "<a href=\"#failures\">Failures</a> <a href=\"#rejects\">Rejects</a>"
        if let link = options.tablesLink { html += " <a href=\"\(HTMLText.escape(link))\" class=\"tables-link\">Sink tables</a>" }
        return html + "</nav></header>\n"
    }

    static func entriesSection(_ snapshot: ReportSnapshot, now: Date) -> String {
        var html = """
            <section id="entries"><h2>Entries</h2>\(freshnessNotice(snapshot.freshness))<table class="grid"><thead><tr><th>Entry</th>\
            <th>Status</th><th>Last run</th><th>Last success</th><th>Age</th><th>Freshness</th><th>Rows loaded</th><th>Mode</th>\
            <th>Target</th><th>Depends on</th></tr></thead><tbody>
            """
        for entry in snapshot.entries {
            let control = entry.control
            let status = control.lastStatus ?? "never run"
            let age = entry.lastSuccessAt.flatMap(ReportTime.date).map { now.timeIntervalSince($0) }
            html += "<tr data-entry=\"\(HTMLText.escape(control.id))\"><td><code>\(HTMLText.escape(control.id))</code>"
            if !control.active { html += " <span class=\"muted\">(inactive)</span>" }
            html += "</td><td><span class=\"badge \(RunCharts.barClass(control.lastStatus ?? "none"))\">\(HTMLText.escape(status))</span></td>"
            html += "<td>\(HTMLText.escape(control.lastRunAt ?? "never"))</td>"
            html += "<td>\(HTMLText.escape(entry.lastSuccessAt ?? "never"))</td>"
            if let age, let since = entry.lastSuccessAt {
                html += "<td class=\"age\" data-since=\"\(HTMLText.escape(since))\">\(HTMLText.escape(ReportTime.span(age)))</td>"
            } else {
                html += "<td class=\"age\">-</td>"
            }
            html += freshnessCell(snapshot.freshness, entryID: control.id)
            html += "<td class=\"num\">\(control.rowsLoaded)</td><td>\(HTMLText.escape(control.mode)) / \(HTMLText.escape(control.writeMode))</td>"
            html += "<td><code>\(HTMLText.escape(control.sink)).\(HTMLText.escape(control.target))</code></td>"
            html += "<td>\(entry.dependsOn.isEmpty ? "-" : entry.dependsOn.map { "<code>\(HTMLText.escape($0))</code>" }.joined(separator: ", "))</td></tr>\n"
        }
        if snapshot.entries.isEmpty { html += "<tr><td colspan=\"10\">The manifest declares no entries.</td></tr>" }
        return html + "</tbody></table></section>\n"
    }

    static func dependencySection(_ snapshot: ReportSnapshot) -> String {
        let diagram = EntryGraphDiagram.svg(snapshot.entries.map { (id: $0.control.id, dependsOn: $0.dependsOn, status: $0.control.lastStatus) })
        return """
            <section id="dag"><h2>Dependencies</h2><p class="muted">Arrows go from an entry to the entries that depend \
            on it (<code>depends_on</code>); an entry runs after everything to its left that points at it.</p>\
            <div class="scroll">\(diagram)</div></section>

            """
    }

    static func chartsSection(_ snapshot: ReportSnapshot) -> String {
        var html = "<section id=\"charts\"><h2>Runs over time</h2>"
        var any = false
        for entry in snapshot.entries where !entry.runs.isEmpty {
            any = true
            html += """
                <div class="entry-charts" data-entry="\(HTMLText.escape(entry.control.id))"><h3><code>\(HTMLText.escape(entry.control.id))</code> \
                <span class="muted">last \(entry.runs.count) run\(entry.runs.count == 1 ? "" : "s")</span></h3>\
                <figure>\(RunCharts.rowsChart(entry.runs))<figcaption>Rows written per run</figcaption></figure>\
                <figure>\(RunCharts.durationChart(entry.runs))<figcaption>Duration per run</figcaption></figure></div>

                """
        }
        if !any { html += "<p>No entry has run yet.</p>" }
        return html + "</section>\n"
    }

    /// Every run among those read that did not end well (failed, killed, cancelled, or skipped
    /// because an upstream failed), newest first, with its whole error.
    static func failuresSection(_ snapshot: ReportSnapshot) -> String {
        let failed = snapshot.entries.flatMap(\.runs).filter { $0.status != "ok" && $0.status != "running" }
            .sorted { $0.startedAt > $1.startedAt }
        var html = "<section id=\"failures\"><h2>Failures</h2>"
        if failed.isEmpty { return html + "<p>No failed run among the runs shown.</p></section>\n" }
        html += "<table class=\"grid\"><thead><tr><th>Run</th><th>Entry</th><th>Started</th><th>Status</th><th>Error</th></tr></thead><tbody>"
        for run in failed {
            html += """
                <tr class="failure"><td><code>\(HTMLText.escape(run.runID))</code></td><td><code>\(HTMLText.escape(run.entryID))</code></td>\
                <td>\(HTMLText.escape(run.startedAt))</td><td><span class="badge \(RunCharts.barClass(run.status))">\(HTMLText.escape(run.status))</span></td>\
                <td><pre class="error">\(HTMLText.escape(run.error ?? "no message"))</pre></td></tr>

                """
        }
        return html + "</tbody></table></section>\n"
    }

    static func rejectsSection(_ snapshot: ReportSnapshot) -> String {
        var html = "<section id=\"rejects\"><h2>Rejected records</h2>"
        let withRejects = snapshot.entries.filter { $0.rejectsTotal > 0 }
        if withRejects.isEmpty { return html + "<p>No rejected records.</p></section>\n" }
        for entry in withRejects {
            html += """
                <h3><code>\(HTMLText.escape(entry.control.id))</code> <span class="muted">\(entry.rejectsTotal) rejected record\
                \(entry.rejectsTotal == 1 ? "" : "s")\(entry.rejectsTotal > entry.rejects.count ? ", the newest \(entry.rejects.count) shown" : "")</span></h3>\
                <table class="grid rejects"><thead><tr><th>Position</th><th>Reason</th><th>Record</th><th>Seen</th><th>Last run</th></tr></thead><tbody>
                """
            for reject in entry.rejects {
                html += """
                    <tr><td><code>\(HTMLText.escape(reject.position))</code></td><td>\(HTMLText.escape(reject.reason))</td>\
                    <td><pre>\(HTMLText.escape(reject.raw))</pre></td><td class="num">\(reject.timesSeen)</td><td><code>\(HTMLText.escape(reject.runID))</code></td></tr>

                    """
            }
            html += "</tbody></table>"
        }
        return html + "</section>\n"
    }
}
