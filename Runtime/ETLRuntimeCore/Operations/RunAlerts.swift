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
            freshnessBreaches(try FreshnessCheck.evaluate(watched, manifest: manifest, state: state), runID: results.first?.runID, state: state)
        } catch {
            Logger(label: "etl.notify").warning("notify: cannot check freshness: \(manifest.redacting("\(error)"))")
        }
    }

    /// A freshness event for every entry that reached warn or error, once per breach: again only
    /// when the level changes, or after the entry was fresh in between (the level last notified
    /// is kept in the state), so a cron tick every 10 minutes does not repeat a stale drop all day.
    /// A breach whose notification was not delivered is tried again at the next check.
    package func freshnessBreaches(_ items: [EntryFreshness], runID: String?, state: StateDatabase) {
        for item in items {
            guard let level = item.level, let entry = manifest.entry(id: item.entryID),
                let policy = manifest.notifyPolicy(for: entry), policy.delivers(.freshness)
            else { continue }
            do {
                let notified = try state.notifiedFreshness(entryID: item.entryID)
                guard notified != level.name, level > .ok || notified != nil else { continue }
                if level > .ok {
                    let message = item.checks.filter { $0.level > .ok }.map(\.message).joined(separator: "; ")
                    let event = NotificationEvent(event: .freshness, entryID: item.entryID, status: level.name, runID: runID, error: message)
                    guard notifier.send(event, policy: policy) else { continue }
                }
                try state.recordNotifiedFreshness(entryID: item.entryID, level: level.name)
            } catch {
                Logger(label: "etl.notify").warning("notify: cannot read or record the freshness notified for entry \(item.entryID): \(manifest.redacting("\(error)"))")
            }
        }
    }
}
