import Foundation

/// How long a probe waits for one library's `etl_plugin_entry` to return before it kills the
/// probe process and lists the library as not loadable. An entry function only fills in static
/// descriptors, so 5 s is generous; a library that waits on the network or a lock in it would
/// otherwise hang every command that searches its folder.
///
/// Set by the environment variable `ETL_PROBE_TIMEOUT_SECONDS` (a number > 0, fractions
/// allowed), not by the manifest: probing happens before the manifest is parsed (its
/// `plugin_dirs` decide what to probe), and a slow library is a property of the host it is
/// installed on, not of a pipeline.
package struct PluginProbeDeadline: Sendable, Equatable {
    /// The environment variable that sets it.
    package static let variable = "ETL_PROBE_TIMEOUT_SECONDS"
    package static let defaultSeconds = 5.0
    /// Above an hour, a hanging library would still stop a cron tick for good.
    static let maximumSeconds = 3600.0

    package var seconds: Double
    /// Why the variable's value was not used, if it was set to something unusable.
    package var problem: String?

    package init(seconds: Double) {
        self.seconds = seconds
    }

    /// The deadline the environment asks for, or the default (with `problem` saying why).
    package init(environment: [String: String]) {
        seconds = Self.defaultSeconds
        guard let text = environment[Self.variable] else { return }
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite, value > 0,
              value <= Self.maximumSeconds else {
            problem = "\(Self.variable)=\"\(text)\" is not a number of seconds above 0 and at most "
                + "\(Self.describe(Self.maximumSeconds)); probing with the default of \(Self.describe(Self.defaultSeconds))"
            return
        }
        seconds = value
    }

    /// "5 s", "0.5 s".
    package var description: String { Self.describe(seconds) }

    static func describe(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(seconds) s"
    }
}
