import ETLJSON
import Foundation
import Logging

/// Delivers notifications for a manifest's entries. A notification that cannot be delivered
/// is logged as a warning and never fails the run; no URL ever reaches a log line (webhook and
/// ping URLs carry their tokens in the path), and messages go through `Manifest.redacting`.
package struct Notifier: Sendable {
    package let manifest: Manifest
    private let logger = Logger(label: "etl.notify")
    /// The longest a notify command may run before it is killed.
    package static let commandTimeoutSeconds = 30.0

    package init(manifest: Manifest) {
        self.manifest = manifest
    }

    /// Sends `event` to the webhook and the command of the entry's policy, when its `on` includes
    /// it; true when every one of them took it.
    @discardableResult
    package func send(_ event: NotificationEvent, policy: NotifyPolicy) -> Bool {
        guard policy.delivers(event.event) else { return false }
        var delivered = true
        var event = event
        event.reportURL = event.reportURL ?? policy.reportURL
        event.error = event.error.map { NotificationEvent.capped(manifest.redacting($0)) }
        if let webhook = policy.webhook {
            if let url = resolve(webhook, what: "webhook", entryID: event.entryID) {
                let body = Array(event.json.serialized().utf8)
                if let failure = NotifyHTTP.post(url, body: body, contentType: "application/json") {
                    logger.warning("\(manifest.redacting("notify: the \(event.event.rawValue) webhook of entry \(event.entryID) was not delivered: \(failure)"))")
                    delivered = false
                }
            } else {
                delivered = false
            }
        }
        if let command = policy.command, !run(command, event: event) {
            delivered = false
        }
        return delivered
    }

    /// A healthcheck ping of a run of the entry: `/start`, success (the URL itself) or `/fail`,
    /// with a one-line body the service keeps as the ping's log.
    package enum Ping: String, Sendable {
        case start = "/start"
        case success = ""
        case failure = "/fail"
    }

    package func ping(_ kind: Ping, policy: NotifyPolicy, entryID: String, message: String) {
        guard let source = policy.ping, let base = resolve(source, what: "ping", entryID: entryID) else { return }
        let url = (base.hasSuffix("/") ? String(base.dropLast()) : base) + kind.rawValue
        if let failure = NotifyHTTP.post(url, body: Array(NotificationEvent.capped(manifest.redacting(message)).utf8), contentType: "text/plain; charset=utf-8") {
            logger.warning("notify: the \(kind == .start ? "start" : kind == .success ? "success" : "fail") ping of entry \(entryID) was not delivered: \(failure)")
        }
    }

    /// The URL itself, or the value of the variable `*_env` names (the environment, then the
    /// `.env` beside the manifest); nil with a warning when that is not set.
    private func resolve(_ source: NotifyPolicy.URLSource, what: String, entryID: String) -> String? {
        switch source {
        case .literal(let url):
            return url
        case .environment(let name):
            if let value = ProcessInfo.processInfo.environment[name] ?? manifest.dotEnv[name], !value.isEmpty { return value }
            logger.warning("notify: entry \(entryID)'s \(what)_env names \(name), which is not set (nor in the .env beside the manifest); nothing sent")
            return nil
        }
    }

    /// Runs the command without a shell: the event as JSON on stdin, its fields in `ETL_*`
    /// variables, its output to this process's stderr (the run's log). True when it exited 0.
    private func run(_ command: [String], event: NotificationEvent) -> Bool {
        let name = manifest.redacting(command[0])
        let process = Process()
        // A program named by a path resolves against the manifest's folder, as every path of the
        // manifest does, and runs there; a bare name is looked up in PATH.
        if command[0].contains("/") {
            process.executableURL = URL(fileURLWithPath: PathResolver.absolute(command[0], relativeTo: manifest.manifestDirectory))
            process.arguments = Array(command.dropFirst())
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = command
        }
        process.currentDirectoryURL = URL(fileURLWithPath: manifest.manifestDirectory)
        process.environment = ProcessInfo.processInfo.environment.merging(event.environment) { _, new in new }
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.standardError
        process.standardError = FileHandle.standardError
        do {
            try process.run()
        } catch {
            logger.warning("notify: the command \(name) of entry \(event.entryID) could not start: \(manifest.redacting("\(error)"))")
            return false
        }
        // A command that does not read its stdin must not make the write fail the run: SIGPIPE
        // is ignored by the runtime, and an error here is only logged. The event is far smaller
        // than a pipe's buffer (its error is capped), so the write cannot block.
        let payload = Data((event.json.serialized() + "\n").utf8)
        do {
            try input.fileHandleForWriting.write(contentsOf: payload)
        } catch {
            logger.debug("notify: the command \(name) did not read the whole event: \(error)")
        }
        try? input.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(Notifier.commandTimeoutSeconds)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            logger.warning("notify: the command \(name) of entry \(event.entryID) ran longer than \(Int(Notifier.commandTimeoutSeconds)) s and was killed")
            return false
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            logger.warning("notify: the command \(name) of entry \(event.entryID) exited with status \(process.terminationStatus)")
            return false
        }
        return true
    }
}
