/// `notify`, manifest-wide (the default of every entry) or on an entry (its keys replace the
/// default's one by one): who hears about failures, recoveries and freshness breaches.
///
/// ```json
/// "notify": {"on": ["failure", "recovery", "freshness"],
///            "webhook_env": "SLACK_WEBHOOK_URL", "command": ["mail", "-s", "etl", "ops@example.com"],
///            "ping": "https://hc-ping.com/<uuid>", "report_url": "https://etl.example/report.html"}
/// ```
/// `webhook`/`webhook_env` and `command` receive the events of `on`; `ping` (per entry only: a
/// healthcheck watches one job) hears `/start`, success and `/fail` of every run of the entry.
package struct NotifyPolicy: Sendable, Hashable {
    /// Where a URL comes from: written in the manifest (perhaps as `${VAR}`, redacted in
    /// messages), or the name of an environment variable read when it is sent.
    package enum URLSource: Sendable, Hashable {
        case literal(String)
        case environment(String)
    }

    /// `on`; nil when not written (then every event).
    package var events: Set<NotifyEvent>?
    package var webhook: URLSource?
    /// The program and its arguments, run without a shell.
    package var command: [String]?
    package var ping: URLSource?
    /// A link to the report, carried in every event.
    package var reportURL: String?

    package init(events: Set<NotifyEvent>? = nil, webhook: URLSource? = nil, command: [String]? = nil,
                 ping: URLSource? = nil, reportURL: String? = nil) {
        self.events = events
        self.webhook = webhook
        self.command = command
        self.ping = ping
        self.reportURL = reportURL
    }

    /// This entry policy over the manifest's default: each key written here wins.
    package func over(_ base: NotifyPolicy?) -> NotifyPolicy {
        guard let base else { return self }
        return NotifyPolicy(
            events: events ?? base.events, webhook: webhook ?? base.webhook, command: command ?? base.command,
            ping: ping ?? base.ping, reportURL: reportURL ?? base.reportURL)
    }

    /// The events webhook and command hear.
    package var effectiveEvents: Set<NotifyEvent> { events ?? Set(NotifyEvent.allCases) }

    /// True when something receives `event`.
    package func delivers(_ event: NotifyEvent) -> Bool {
        (webhook != nil || command != nil) && effectiveEvents.contains(event)
    }
}

/// What a notification is about.
package enum NotifyEvent: String, Sendable, Hashable, CaseIterable, Codable {
    /// A run of the entry failed.
    case failure
    /// The first successful run after a failed (or killed) one.
    case recovery
    /// The entry's data is older than its `freshness` allows (warn or error).
    case freshness
}

extension Manifest {
    /// What `entry` notifies: its own `notify` over the manifest's; nil when neither is written.
    package func notifyPolicy(for entry: ControlEntry) -> NotifyPolicy? {
        guard let own = entry.notify else { return notify }
        return own.over(notify)
    }
}
