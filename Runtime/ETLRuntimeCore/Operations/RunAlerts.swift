import Logging

/// When `run` and `check --freshness` notify: pings as entries start and end, failure and
/// recovery after a round, freshness breaches of the entries a round ran or `check` looked at.
package struct RunAlerts: Sendable {
    package let manifest: Manifest
    private let notifier: Notifier

    package init(manifest: Manifest) {
        self.manifest = manifest
        notifier = Notifier(manifest: manifest)
    }

    /// A healthcheck `/start` ping for an entry about to run.
    package func entryStarting(_ entry: ControlEntry, runID: String) {
        guard let policy = manifest.notifyPolicy(for: entry), policy.ping != nil else { return }
        notifier.ping(.start, policy: policy, entryID: entry.id, message: "entry \(entry.id) started (run \(runID))")
    }

    /// After a round: the end pings, a failure event per failed entry, a recovery event per
    /// entry whose run succeeded after a failed one, then the freshness of the entries the
    /// round ran. Call once the round's results are recorded in `state`.
    package func roundEnded(_ results: [EntryRunResult], state: StateDatabase) {
        var ran: [ControlEntry] = []
        for result in results where result.status != .elsewhere {
            guard let entry = manifest.entry(id: result.entryID) else { continue }
            ran.append(entry)
            guard let policy = manifest.notifyPolicy(for: entry) else { continue }
            switch result.status {
            case .ok:
                notifier.ping(.success, policy: policy, entryID: entry.id,
                              message: "entry \(entry.id) loaded \(result.rowsWritten) rows (run \(result.runID))")
                let previous: String?
                do {
                    previous = try state.previousVerdict(entryID: entry.id, before: result.runID)
                } catch {
                    Logger(label: "etl.notify").warning("notify: cannot read the previous run of entry \(entry.id): \(manifest.redacting("\(error)"))")
                    previous = nil
                }
                if previous == EntryRunResult.Status.failed.rawValue || previous == "killed" {
                    var event = NotificationEvent(event: .recovery, entryID: entry.id, status: result.status.rawValue, runID: result.runID)
                    event.rowsLoaded = result.rowsWritten
                    notifier.send(event, policy: policy)
                }
            case .failed, .cancelled, .skipped:
                notifier.ping(.failure, policy: policy, entryID: entry.id,
                              message: "entry \(entry.id) \(result.status.rawValue) (run \(result.runID)): \(result.error ?? "")")
                if result.status == .failed {
                    notifier.send(NotificationEvent(event: .failure, entryID: entry.id, status: result.status.rawValue,
                                                    runID: result.runID, error: result.error), policy: policy)
                }
            case .elsewhere:
                continue
            }
        }
        let watched = ran.filter { $0.freshness != nil && manifest.notifyPolicy(for: $0)?.delivers(.freshness) == true }
        guard !watched.isEmpty else { return }
        do {
            freshnessBreaches(try FreshnessCheck.evaluate(watched, manifest: manifest, state: state), runID: results.first?.runID)
        } catch {
            Logger(label: "etl.notify").warning("notify: cannot check freshness: \(manifest.redacting("\(error)"))")
        }
    }

    /// A freshness event for every entry at warn or error.
    package func freshnessBreaches(_ items: [EntryFreshness], runID: String?) {
        for item in items {
            guard let level = item.level, level > .ok, let entry = manifest.entry(id: item.entryID),
                let policy = manifest.notifyPolicy(for: entry)
            else { continue }
            let message = item.checks.filter { $0.level > .ok }.map(\.message).joined(separator: "; ")
            notifier.send(NotificationEvent(event: .freshness, entryID: item.entryID, status: level.name, runID: runID, error: message),
                          policy: policy)
        }
    }
}
