import ETLRuntimeCore
import FlyingFox
import Foundation
import Logging

/// What `serve` answers: the report at `/`, the sinks' tables at `/tables`, one table at
/// `/table?sink=...&table=...` (and as CSV at `/table.csv`), the metrics at `/metrics`.
/// Read-only: only GET and HEAD.
struct ReportSite: HTTPHandler {
    let state: StateContext
    let manifestName: String
    /// The whole manifest, for freshness and `/metrics`; or why it could not be loaded.
    let manifest: Result<Manifest, ManifestUnavailable>
    let sinks: SinkDatabases
    let token: AccessToken?
    let logger = Logger(label: "etl.serve")

    func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        let response = respond(to: request)
        // The path only: the query may hold `token=`.
        logger.info("\(request.method.rawValue) \(request.path) \(response.statusCode.code)")
        return response
    }

    func respond(to request: HTTPRequest) -> HTTPResponse {
        guard request.method == .GET || request.method == .HEAD else {
            return page(.methodNotAllowed, TablePages.problem("Method not allowed", "This server only reads: use GET."), headers: [HTTPHeader("Allow"): "GET, HEAD"])
        }
        let parameters: QueryParameters
        do {
            parameters = try QueryParameters(raw: request.target.query(percentEncoded: true))
        } catch {
            return page(.badRequest, TablePages.problem("Bad request", "The query string has a malformed part (\"\(error.text)\"): percent signs must be followed by two hex digits, and the text must be UTF-8."))
        }
        if let token {
            // `?token=` once in a browser: answer with the cookie and the same address without it.
            if let offered = parameters["token"] {
                guard token.matches(offered) else { return unauthorized() }
                let rest = parameters.values.filter { $0.name != "token" }
                    .map { "\(HTMLText.queryValue($0.name))=\(HTMLText.queryValue($0.value))" }.joined(separator: "&")
                // Only ever a path of this server: `//host` would send the browser elsewhere.
                let path = request.path.hasPrefix("/") && !request.path.hasPrefix("//") ? request.path : "/"
                let headers: HTTPHeaders = [
                    .location: path + (rest.isEmpty ? "" : "?" + rest), .setCookie: token.cookie(), .cacheControl: "no-store",
                ]
                return HTTPResponse(statusCode: .seeOther, headers: headers)
            }
            guard token.admits(request) else { return unauthorized() }
        }
        switch request.path {
        case "/", "/index.html": return report()
        case "/tables": return tableList()
        case "/table": return table(parameters)
        case "/table.csv": return table(parameters, csv: request.method == .HEAD ? .headersOnly : .rows)
        case "/metrics": return metrics()
        default:
            return page(.notFound, TablePages.problem("Not found", "Nothing at \(request.path): the report is at /, the sink tables at /tables, the metrics at /metrics."))
        }
    }

    func report() -> HTTPResponse {
        do {
            let snapshot = try ReportSnapshot.read(context: state, manifest: manifestName, loaded: manifest)
            return page(.ok, ReportPage.html(snapshot, options: .init(tablesLink: "/tables")))
        } catch {
            logger.error("report: \(state.redacting(String(describing: error)))")
            return page(.serviceUnavailable, TablePages.problem("State database unavailable", "The state database could not be read: \(state.redacting(String(describing: error)))"))
        }
    }

    func tableList() -> HTTPResponse {
        var tables: [String: Result<[String], SinkReadFailure>] = [:]
        for sink in sinks.sinks {
            if case .unavailable = sink.access { continue }
            do {
                tables[sink.name] = .success(try sink.access.open().tables())
            } catch {
                tables[sink.name] = .failure(error)
            }
        }
        return page(.ok, TablePages.list(sinks, tables: tables))
    }

    /// What `/table.csv` sends: HEAD gets the headers without a read.
    enum CSVDownload { case rows, headersOnly }

    func table(_ parameters: QueryParameters, csv: CSVDownload? = nil) -> HTTPResponse {
        guard let sinkName = parameters["sink"], !sinkName.isEmpty, let tableName = parameters["table"], !tableName.isEmpty else {
            return page(.badRequest, TablePages.problem("Bad request", "sink and table: both are required, e.g. /table?sink=warehouse&table=stage_adult (see /tables)"))
        }
        guard let access = sinks.access(sinkName) else {
            let known = sinks.sinks.map(\.name).joined(separator: ", ")
            return page(.notFound, TablePages.problem("No such sink", "sink: the manifest has no sink \"\(sinkName)\"; its sinks: \(known.isEmpty ? "none" : known)"))
        }
        if case .unavailable(let reason) = access {
            return page(.notImplemented, TablePages.problem("Sink not viewable", "sink \(sinkName): \(reason)"))
        }
        do {
            let reader = try access.open()
            guard let table = try reader.tables().first(where: { $0 == tableName }) else {
                return page(.notFound, TablePages.problem("No such table", "table: sink \(sinkName) has no table \"\(tableName)\" (see /tables)"))
            }
            let query = try TableQuery(sink: sinkName, table: table, columns: try reader.columns(of: table), parameters: parameters)
            if let csv { return try csvDownload(reader, query, csv) }
            let page = try reader.page(query)
            return self.page(.ok, TablePages.table(query, total: page.total, rows: page.rows))
        } catch let problem as TableQuery.Problem {
            return page(.badRequest, TablePages.problem("Bad request", problem.description))
        } catch {
            logger.error("table \(sinkName).\(tableName): \(error)")
            return page(.serviceUnavailable, TablePages.problem("Sink database unavailable", "\(error)"))
        }
    }

    /// Every matching row, streamed: the cursor is opened (and its first rows read) here, so a
    /// query that fails still gets a 503 page; later failures can only cut the download short
    /// (see `CSVRowEncoder`). No row limit: memory stays at one chunk whatever the count.
    func csvDownload(_ reader: sending any SinkTableReader, _ query: TableQuery, _ mode: CSVDownload) throws(SinkReadFailure) -> HTTPResponse {
        let fileName = "\(query.sink)-\(query.table).csv".map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "_" }
        let headers: HTTPHeaders = [
            .contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(String(fileName))\"",
            .cacheControl: "no-store",
        ]
        guard mode == .rows else { return HTTPResponse(statusCode: .ok, headers: headers) }
        let encoder = CSVRowEncoder(columns: query.columns, cursor: try reader.rows(query), label: "\(query.sink).\(query.table)", logger: logger)
        let body = HTTPBodySequence(from: CSVDownloadBody(encoder), suggestedBufferSize: CSVDownloadBody.chunkBytes)
        return HTTPResponse(statusCode: .ok, headers: headers, body: body)
    }

    func unauthorized() -> HTTPResponse {
        page(.unauthorized, TablePages.problem("Token required", "Send the token as an Authorization: Bearer header, or open this address once with ?token=... (the value of the variable named by --token-env)."),
             headers: [HTTPHeader("WWW-Authenticate"): "Bearer"])
    }

    func page(_ status: HTTPStatusCode, _ html: String, headers: [HTTPHeader: String] = [:]) -> HTTPResponse {
        var all: HTTPHeaders = [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store", HTTPHeader("X-Content-Type-Options"): "nosniff"]
        for (key, value) in headers { all[key] = value }
        return HTTPResponse(statusCode: status, headers: all, body: Data(html.utf8))
    }
}
