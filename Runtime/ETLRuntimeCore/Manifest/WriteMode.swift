extension WriteMode {
    /// The sink capability a plugin must declare to support this mode.
    package var requiredCapability: String { rawValue }

    /// The default when an entry has no `write`: replace for full loads, append for incremental ones.
    package static func defaultMode(for mode: LoadMode) -> WriteMode {
        mode == .full ? .replace : .append
    }
}
