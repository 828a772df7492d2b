import ETLRuntimeCore
import FlyingFox
import Foundation

/// `/metrics`: what `--metrics-file` writes (`EntryMetrics`, rendered by `PrometheusText`), read
/// from the state at each request, so a scrape sees the runs that ended since the last one.
extension ReportSite {
    /// The exposition format's content type, which Prometheus's scraper expects.
    static let metricsContentType = "text/plain; version=0.0.4; charset=utf-8"

    func metrics() -> HTTPResponse {
        let manifest: Manifest
        switch self.manifest {
        case .success(let loaded): manifest = loaded
        case .failure(let problem):
            return metricsProblem(.serviceUnavailable, "the manifest could not be loaded, so no metrics: \(problem.description)")
        }
        do {
            let database = try state.openState()
            let text = PrometheusText.render(try EntryMetrics.collect(manifest, state: database))
            let headers: HTTPHeaders = [.contentType: Self.metricsContentType, .cacheControl: "no-store"]
            return HTTPResponse(statusCode: .ok, headers: headers, body: Data(text.utf8))
        } catch {
            let reason = state.redacting(String(describing: error))
            logger.error("metrics: \(reason)")
            return metricsProblem(.serviceUnavailable, "the state database could not be read: \(reason)")
        }
    }

    /// A scraper shows the body of a failed scrape: plain text, one line.
    private func metricsProblem(_ status: HTTPStatusCode, _ text: String) -> HTTPResponse {
        HTTPResponse(
            statusCode: status, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
            body: Data((text + "\n").utf8))
    }
}
