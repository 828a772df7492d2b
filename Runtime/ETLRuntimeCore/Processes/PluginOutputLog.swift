import Logging

/// Turns the lines a plugin writes to its standard output and error into log events: one
/// event per line, tagged `plugin=<name>` and `output=stdout|stderr` (stdout at info, stderr
/// at warning), so a plugin's text always sits inside an event the runtime wrote and can never
/// pass for one of its lines (`{"level":"error",...}` in JSON logs, a summary line in text).
package struct PluginOutputLog: Sendable {
    /// Which stream of the plugin a line came from.
    package enum Stream: String, Sendable {
        case stdout, stderr

        var level: Logger.Level { self == .stdout ? .info : .warning }
    }

    private let logger: Logger

    /// Lines tagged with `plugin` (see `label(candidates:)`) and, in a run, the `entry`.
    package init(plugin: String, entry: String? = nil) {
        var logger = HostLog.pluginLogger
        logger[metadataKey: "plugin"] = .string(plugin)
        if let entry { logger[metadataKey: "entry"] = .string(entry) }
        self.logger = logger
    }

    /// The `plugin` tag when any of `candidates` may have written a line: a process cannot
    /// tell which of its plugins wrote to its descriptors. One name; two as `source|sink` (a
    /// run's entry); `unknown` beyond that.
    package static func label(candidates: [String]) -> String {
        var names: [String] = []
        for name in candidates where !names.contains(name) { names.append(name) }
        switch names.count {
        case 0: return "unknown"
        case 1, 2: return names.joined(separator: "|")
        default: return "unknown"
        }
    }

    /// Logs `line`; a blank one carries nothing and is left out.
    package func log(_ line: OutputLines.Line, from stream: Stream) {
        var text = String(decoding: line.bytes, as: UTF8.self)
        if text.hasSuffix("\r") { text.removeLast() }
        guard !text.allSatisfy(\.isWhitespace) else { return }
        text = Self.escapingControlCharacters(text)
        if line.wasCut { text += " [cut: the line is longer than \(OutputLines.defaultLimit) bytes]" }
        logger.log(level: stream.level, "\(text)", metadata: ["output": .string(stream.rawValue)])
    }

    /// Control characters (a carriage return, an escape sequence) written as `\u{1B}`: in a
    /// text log or on a terminal they could redraw or hide the runtime's own lines.
    static func escapingControlCharacters(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var escaped = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                escaped.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            } else {
                escaped.append(scalar)
            }
        }
        return String(escaped)
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar != "\t") || scalar.value == 0x7F
    }
}
