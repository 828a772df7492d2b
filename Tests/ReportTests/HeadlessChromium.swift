import Foundation
import TestSupport

/// Debian's `chromium`, headless, one page per call: the page's DOM after load, or a screenshot,
/// and what the page wrote to its console. Each call gets a fresh profile folder, and runs under
/// `timeout`, which signals Chromium's whole process group, so no browser process outlives it.
struct HeadlessChromium {
    static let executable = "/usr/bin/chromium"

    struct Page {
        var dom: String
        /// `console.*` calls and uncaught errors, one per line, as Chromium logs them.
        var consoleMessages: [String]
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func requireInstalled() throws {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw Failure(description: "\(executable) is missing: `make deps` installs Debian's chromium package")
        }
    }

    /// Loads `url` and returns the DOM once the page has loaded, or, with `keptOpenFor`, once the
    /// page has stayed open that many seconds of Chromium's virtual time (its timers fire and
    /// `Date.now()` moves on from the real time as if they had passed, without the wait).
    static func dump(_ url: String, keptOpenFor seconds: Int? = nil) throws -> Page {
        let budget = seconds.map { ["--virtual-time-budget=\($0 * 1000)"] } ?? []
        let outcome = try run(budget + ["--dump-dom", url])
        return Page(dom: outcome.stdout, consoleMessages: consoleLines(outcome.stderr))
    }

    /// Loads `url` in a `width`×`height` window and writes a PNG of it to `path`.
    static func screenshot(_ url: String, to path: String, width: Int = 1280, height: Int = 1600) throws -> Page {
        let outcome = try run(["--window-size=\(width),\(height)", "--hide-scrollbars", "--screenshot=\(path)", url])
        guard FileManager.default.fileExists(atPath: path) else {
            throw Failure(description: "chromium wrote no screenshot to \(path): \(outcome.stderr.suffix(2000))")
        }
        return Page(dom: "", consoleMessages: consoleLines(outcome.stderr))
    }

    private static func run(_ arguments: [String]) throws -> ProcessOutcome {
        try requireInstalled()
        let profile = TemporaryDirectory("etl-chromium")
        let outcome = try ProcessRunner.run("/usr/bin/timeout", ["-k", "5", "90", executable,
            "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--disable-extensions", "--disable-dev-shm-usage",
            "--user-data-dir=\(profile.path)", "--enable-logging=stderr", "--v=0"] + arguments)
        guard outcome.status == 0 else {
            throw Failure(description: "chromium exited \(outcome.status): \(outcome.stderr.suffix(2000))")
        }
        return outcome
    }

    /// Chromium's log lines for the page's console: `[...:INFO:CONSOLE:1] "message", source: ...`.
    static func consoleLines(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(String.init)
    }

    /// Counts the screenshot's pixels of each colour (`RRGGBB`) with png_ink.py (stdlib zlib).
    static func pixelCounts(_ png: String, colours: [String]) throws -> [String: Int] {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("png_ink.py").path
        let outcome = try ProcessRunner.run("/usr/bin/python3", [script, png] + colours)
        guard outcome.status == 0 else { throw Failure(description: "png_ink.py: \(outcome.stderr)") }
        var counts: [String: Int] = [:]
        for line in outcome.stdout.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2 { counts[String(parts[0])] = Int(parts[1]) }
        }
        return counts
    }
}
