/// How a sink applies a load to its target.
package enum WriteMode: String, Sendable, CaseIterable {
    /// Swap in a fresh copy of the target.
    case replace
    /// Add rows.
    case append
    /// Upsert on `primary_key`.
    case merge
    /// Keep history rows with valid-from, valid-to and a current flag.
    case scd2

    /// The sink capability a plugin must declare to support this mode.
    package var requiredCapability: String { rawValue }

    /// The default when an entry has no `write`: replace for full loads, append for incremental ones.
    package static func defaultMode(for mode: LoadMode) -> WriteMode {
        mode == .full ? .replace : .append
    }
}
