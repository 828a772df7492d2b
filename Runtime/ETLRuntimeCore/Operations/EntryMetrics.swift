/// The per-entry metrics of `--metrics-file` and of `serve`'s `/metrics`: what the last
/// run of each entry did, when it last succeeded and how fresh its data is. All gauges,
/// labelled by `entry`: each describes the entry's newest run, not a running total.
package enum EntryMetrics {
    /// Reads the state and the file system for every entry of the manifest; ages at `now`, or
    /// without it on the clocks `FreshnessCheck.evaluate` reads.
    package static func collect(
        _ manifest: Manifest, state: StateDatabase, now: Double? = nil
    ) throws -> [PrometheusText.Family] {
        let entries = manifest.controlTable
        let runs = try state.lastFinishedRuns()
        let freshness = try FreshnessCheck.evaluate(entries, manifest: manifest, state: state, now: now)
        return families(entries, runs: runs, freshness: freshness)
    }

    /// The families for `entries`, from their newest finished runs and their freshness.
    package static func families(
        _ entries: [ControlEntry], runs: [String: RunRecord], freshness: [EntryFreshness]
    ) -> [PrometheusText.Family] {
        let ids = entries.map(\.id)
        func perRun(_ value: (RunRecord) -> Double?) -> [PrometheusText.Sample] {
            ids.compactMap { id in
                guard let run = runs[id], let number = value(run) else { return nil }
                return PrometheusText.Sample(labels: [("entry", id)], value: number)
            }
        }
        let byEntry = Dictionary(freshness.map { ($0.entryID, $0) }, uniquingKeysWith: { first, _ in first })
        let ordered = ids.compactMap { byEntry[$0] }
        return [
            .init(name: "etl_entry_last_run_success", help: "1 when the entry's newest finished run succeeded, else 0.",
                  samples: perRun { $0.status == EntryRunResult.Status.ok.rawValue ? 1 : 0 }),
            .init(name: "etl_entry_last_run_timestamp_seconds", help: "When the entry's newest finished run ended, seconds since 1970.",
                  samples: perRun { $0.endedAt.flatMap(Timestamp.epochSeconds) }),
            .init(name: "etl_entry_last_run_duration_seconds", help: "How long the entry's newest finished run took.",
                  samples: perRun { run in
                      guard let start = Timestamp.epochSeconds(run.startedAt), let end = run.endedAt.flatMap(Timestamp.epochSeconds) else { return nil }
                      return max(0, end - start)
                  }),
            .init(name: "etl_entry_last_run_rows_read", help: "Rows the entry's newest finished run read from its source.",
                  samples: perRun { Double($0.rowsRead) }),
            .init(name: "etl_entry_last_run_rows_loaded", help: "Rows the entry's newest finished run wrote to its sink.",
                  samples: perRun { Double($0.rowsWritten) }),
            .init(name: "etl_entry_last_run_rows_rejected", help: "Rows the entry's newest finished run rejected (see etl_rejects).",
                  samples: perRun { Double($0.rowsRejected) }),
            .init(name: "etl_entry_last_success_timestamp_seconds", help: "When the entry's newest successful run ended, seconds since 1970.",
                  samples: ordered.compactMap { item in
                      item.lastSuccess.flatMap(Timestamp.epochSeconds).map { .init(labels: [("entry", item.entryID)], value: $0) }
                  }),
            .init(name: "etl_entry_freshness_age_seconds",
                  help: "Age of the entry's data: since its last successful run (check=\"last_load\"), or of its newest input file (check=\"newest_file\").",
                  samples: ordered.flatMap { item -> [PrometheusText.Sample] in
                      var samples: [PrometheusText.Sample] = []
                      if let age = item.lastSuccessAgeSeconds {
                          samples.append(.init(labels: [("entry", item.entryID), ("check", "last_load")], value: age.rounded()))
                      }
                      for check in item.checks where check.kind == .newestFile {
                          if let age = check.ageSeconds { samples.append(.init(labels: [("entry", item.entryID), ("check", "newest_file")], value: age.rounded())) }
                      }
                      return samples
                  }),
            .init(name: "etl_entry_freshness_level", help: "The entry's freshness against its limits: 0 ok, 1 warn, 2 error (only entries with freshness).",
                  samples: ordered.compactMap { item in
                      item.level.map { .init(labels: [("entry", item.entryID)], value: Double($0.rawValue)) }
                  }),
        ]
    }
}
