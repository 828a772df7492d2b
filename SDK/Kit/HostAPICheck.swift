import CETLPlugin

/// Checks the host's API table before the kit touches anything in it (the PostgreSQL
/// `PG_MODULE_MAGIC` lesson: refuse a mismatched partner with a message, not a crash).
enum HostAPICheck {
    /// Bytes that must be present to read `struct_size`, `abi_major` and `abi_minor`.
    static let versionFieldsSize = MemoryLayout<etl_host_api>.offset(of: \etl_host_api.host_version)!

    /// Refuses (with `ETL_UNSUPPORTED`) a host of another ABI major, a table smaller than the ABI
    /// 1.0 table this kit was built against, or one missing a function the kit calls.
    static func validate(_ host: UnsafePointer<etl_host_api>) throws(PluginError) {
        let structSize = Int(host.pointee.struct_size)
        guard structSize >= versionFieldsSize else {
            throw .unsupported("the host's API table is \(structSize) bytes, too small to hold its ABI version; the host is not an etl-runtime of ABI \(ETL_PLUGIN_ABI_MAJOR).x")
        }
        let major = host.pointee.abi_major
        guard Int32(major) == ETL_PLUGIN_ABI_MAJOR else {
            throw .unsupported("the host speaks plugin ABI \(major).\(host.pointee.abi_minor) but this plugin was built for ABI \(ETL_PLUGIN_ABI_MAJOR).\(ETL_PLUGIN_ABI_MINOR); rebuild the plugin against the host's SDK")
        }
        guard structSize >= MemoryLayout<etl_host_api>.size else {
            throw .unsupported("the host's API table is \(structSize) bytes but ABI \(ETL_PLUGIN_ABI_MAJOR).\(ETL_PLUGIN_ABI_MINOR) needs \(MemoryLayout<etl_host_api>.size); the host is older than the SDK this plugin was built with")
        }
        let api = host.pointee
        let missing = [
            ("log", api.log == nil), ("is_cancelled", api.is_cancelled == nil), ("report_reject", api.report_reject == nil),
        ].filter(\.1).map(\.0)
        guard missing.isEmpty else {
            throw .unsupported("the host's API table lacks \(missing.joined(separator: ", ")); the host is broken")
        }
    }
}
