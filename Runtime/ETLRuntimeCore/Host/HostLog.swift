import Logging

/// Where plugin log lines go when no entry context is known (during `etl_plugin_entry`).
package enum HostLog {
    /// The logger used for plugin messages; the CLI installs its handler before loading.
    package static var pluginLogger: Logger { Logger(label: "etl.plugin") }

    static func level(_ level: etl_log_level_value) -> Logger.Level {
        switch level {
        case ..<1: return .trace
        case 1: return .debug
        case 2: return .info
        case 3: return .warning
        default: return .error
        }
    }
}

typealias etl_log_level_value = Int32
