import ETLRuntimeCore

/// The table viewer's pages: the sinks and their tables, and one table a page at a time.
enum TablePages {
    static func escape(_ text: String) -> String { HTMLText.escape(text) }

    static func nav() -> String {
        "<header><h1>Sink tables</h1><nav><a href=\"/\">Report</a> <a href=\"/tables\">Sink tables</a></nav></header>"
    }

    /// Every sink, with its tables or why they cannot be shown.
    static func list(_ sinks: SinkDatabases, tables: [String: Result<[String], SinkReadFailure>]) -> String {
        var body = nav()
        if let problem = sinks.problem {
            body += "<p class=\"problem\">\(escape(problem))</p>"
        }
        for sink in sinks.sinks {
            body += "<section class=\"sink\" data-sink=\"\(escape(sink.name))\"><h2>\(escape(sink.name)) <span class=\"muted\">(\(escape(sink.plugin)))</span></h2>"
            switch sink.access {
            case .unavailable(let reason):
                body += "<p class=\"muted\">\(escape(reason))</p>"
            case .sqlite, .postgres:
                if case .sqlite(let path) = sink.access { body += "<p class=\"muted\"><code>\(escape(path))</code></p>" }
                switch tables[sink.name] {
                case .success(let names) where names.isEmpty: body += "<p>No tables yet.</p>"
                case .success(let names):
                    body += "<ul class=\"tables\">"
                    for name in names {
                        let link = "/table?sink=\(HTMLText.queryValue(sink.name))&table=\(HTMLText.queryValue(name))"
                        body += "<li><a href=\"\(escape(link))\">\(escape(name))</a></li>"
                    }
                    body += "</ul>"
                case .failure(let failure): body += "<p class=\"problem\">\(escape(failure.description))</p>"
                case nil: break
                }
            }
            body += "</section>"
        }
        if sinks.sinks.isEmpty, sinks.problem == nil { body += "<p>The manifest declares no sinks.</p>" }
        return ReportPage.document(title: "Sink tables", body: body)
    }

    /// One page of `query`'s rows.
    static func table(_ query: TableQuery, total: Int, rows: [SinkRow]) -> String {
        let pages = max(1, (total + query.size - 1) / query.size)
        var body = nav()
        body += "<h2><code>\(escape(query.sink))</code> · <code>\(escape(query.table))</code></h2>"
        body += filterForm(query)
        body += """
            <div class="pager"><span class="count" data-total="\(total)">\(total) row\(total == 1 ? "" : "s")\
            \(query.filterColumn == nil ? "" : " match") · page <span class="page-number">\(query.page)</span> of \(pages)</span>
            """
        if query.page > 1 { body += "<a class=\"prev\" href=\"\(escape(query.link(["page": String(query.page - 1)])))\">← previous</a>" }
        if query.page < pages { body += "<a class=\"next\" href=\"\(escape(query.link(["page": String(query.page + 1)])))\">next →</a>" }
        body += "<a class=\"csv\" href=\"\(escape(query.link(["page": nil, "size": nil], path: "/table.csv")))\">CSV download</a></div>"
        body += "<div class=\"scroll\"><table class=\"grid rows\"><thead><tr>"
        for column in query.columns {
            let ascending = query.sort == column && !query.descending
            let arrow = query.sort == column ? (query.descending ? " ▼" : " ▲") : ""
            let link = query.link(["sort": column, "dir": ascending ? "desc" : "asc", "page": "1"])
            body += "<th><a class=\"sort\" href=\"\(escape(link))\">\(escape(column))</a>\(arrow)</th>"
        }
        body += "</tr></thead><tbody>"
        for row in rows {
            body += "<tr>"
            for cell in row {
                body += cell.map { "<td>\(escape($0))</td>" } ?? "<td class=\"null\">null</td>"
            }
            body += "</tr>"
        }
        if rows.isEmpty { body += "<tr><td colspan=\"\(query.columns.count)\">No rows on this page.</td></tr>" }
        body += "</tbody></table></div>"
        return ReportPage.document(title: "\(query.sink).\(query.table)", body: body)
    }

    /// A GET form: column, operator, value, with the sort and size kept.
    static func filterForm(_ query: TableQuery) -> String {
        var form = "<form class=\"filter\" method=\"get\" action=\"/table\">"
        form += "<input type=\"hidden\" name=\"sink\" value=\"\(escape(query.sink))\"><input type=\"hidden\" name=\"table\" value=\"\(escape(query.table))\">"
        if let sort = query.sort {
            form += "<input type=\"hidden\" name=\"sort\" value=\"\(escape(sort))\"><input type=\"hidden\" name=\"dir\" value=\"\(query.descending ? "desc" : "asc")\">"
        }
        form += "<label>Filter <select name=\"col\"><option value=\"\">(no filter)</option>"
        for column in query.columns {
            form += "<option value=\"\(escape(column))\"\(query.filterColumn == column ? " selected" : "")>\(escape(column))</option>"
        }
        form += "</select></label><select name=\"op\">"
        for op in TableQuery.Operator.allCases {
            form += "<option value=\"\(op.rawValue)\"\(query.filterOperator == op ? " selected" : "")>\(escape(op.label))</option>"
        }
        form += "</select><input type=\"text\" name=\"value\" value=\"\(escape(query.filterValue))\" placeholder=\"value\">"
        form += "<label>Rows per page <input type=\"number\" name=\"size\" min=\"1\" max=\"\(TableQuery.maximumSize)\" value=\"\(query.size)\"></label>"
        return form + "<button type=\"submit\">Apply</button></form>"
    }

    /// A page that says what was wrong with a request (4xx) or what failed (5xx), without internals.
    static func problem(_ title: String, _ message: String) -> String {
        ReportPage.document(title: title, body: nav() + "<h2>\(escape(title))</h2><p class=\"problem\">\(escape(message))</p>")
    }
}
