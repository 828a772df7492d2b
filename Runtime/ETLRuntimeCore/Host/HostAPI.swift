import CETLPlugin
import Glibc
import Logging

/// The host API table handed to every plugin's `etl_plugin_entry`. Built once and kept
/// for the life of the process: plugins may keep the pointer (the header promises so).
package enum HostAPI {
    /// The runtime's version, also shown by `--version`.
    package static let runtimeVersion = "0.1.0"

    /// The table; its address never changes.
    nonisolated(unsafe) package static let table: UnsafePointer<etl_host_api> = {
        let table = UnsafeMutablePointer<etl_host_api>.allocate(capacity: 1)
        var api = etl_host_api()
        api.struct_size = UInt32(MemoryLayout<etl_host_api>.size)
        api.abi_major = UInt16(ETL_PLUGIN_ABI_MAJOR)
        api.abi_minor = UInt16(ETL_PLUGIN_ABI_MINOR)
        api.host_version = versionCString
        api.log = { instance, level, message in
            guard let message else { return }
            let context = HostInstanceContext.from(instance)
            let text = context?.redact(String(cString: message)) ?? String(cString: message)
            let logger = context?.logger ?? HostLog.pluginLogger
            logger.log(level: HostLog.level(level), "\(text)")
        }
        api.is_cancelled = { instance in
            (HostInstanceContext.from(instance)?.shouldStop ?? CancellationFlag.isCancelled) ? 1 : 0
        }
        api.report_reject = { instance, position, raw, rawLength, reason in
            guard let context = HostInstanceContext.from(instance) else { return }
            let rawText: String
            if let raw, rawLength > 0 {
                rawText = String(decoding: UnsafeRawBufferPointer(start: raw, count: Int(rawLength)), as: UTF8.self)
            } else {
                rawText = ""
            }
            // A position is often a path or URL from the config, and a reason may quote it: they are
            // stored in etl_rejects and printed, so secrets go. The raw row is data and kept as read.
            context.record(
                SourceReject(
                    position: context.redact(position.map { String(cString: $0) } ?? ""),
                    raw: rawText,
                    reason: context.redact(reason.map { String(cString: $0) } ?? "rejected by the source")))
        }
        api.report_progress = { instance, done, total in
            HostInstanceContext.from(instance)?.recordProgress(done: done, total: total)
        }
        HostBatchBuilderFunctions.install(into: &api)
        HostConfigFunctions.install(into: &api)
        table.initialize(to: api)
        return UnsafePointer(table)
    }()

    /// "major.minor" of the ABI this runtime speaks.
    package static var abiVersion: String { "\(ETL_PLUGIN_ABI_MAJOR).\(ETL_PLUGIN_ABI_MINOR)" }

    // A C string that lives as long as the process, for `host_version`.
    nonisolated(unsafe) private static let versionCString: UnsafePointer<CChar> = {
        UnsafePointer(strdup(runtimeVersion)!)
    }()
}
