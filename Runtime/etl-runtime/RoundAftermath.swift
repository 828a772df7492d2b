import ETLRuntimeCore
import Logging

/// What `run` does once a round's results are recorded: notifications (failure, recovery,
/// pings, freshness) and the `--metrics-file`. Neither may change the run's outcome: what
/// goes wrong here is a warning.
struct RoundAftermath {
    let alerts: RunAlerts
    let metricsFile: String?
    let state: StateDatabase

    func finish(_ results: [EntryRunResult]) {
        guard !results.isEmpty else { return }
        alerts.roundEnded(results, state: state)
        guard let metricsFile else { return }
        let manifest = alerts.manifest
        do {
            try MetricsFile.write(PrometheusText.render(try EntryMetrics.collect(manifest, state: state)), to: metricsFile)
        } catch {
            Logger(label: "etl.run").warning("\(manifest.redacting("\(error)"))")
        }
    }
}
