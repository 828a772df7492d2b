import CETLPlugin

extension WriteMode {
    /// The capability a sink must declare to be asked for this mode.
    public var requiredCapability: PluginCapabilities {
        switch self {
        case .replace: return .replace
        case .append: return .append
        case .merge: return .merge
        case .scd2: return .scd2
        }
    }
}
