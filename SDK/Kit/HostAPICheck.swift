import CETLPlugin
import CETLPluginLayout

/// Checks the host's API table before the kit touches anything in it (the PostgreSQL
/// `PG_MODULE_MAGIC` lesson: refuse a mismatched partner with a message, not a crash).
enum HostAPICheck {
    /// Bytes that must be present to read `struct_size`, `abi_major` and `abi_minor`.
    static let versionFieldsSize = MemoryLayout<etl_host_api>.offset(of: \etl_host_api.host_version)!

    /// Refuses (with `ETL_UNSUPPORTED`) a host of another ABI major, a host older than ABI 1.1
    /// (only 1.1 hosts call `create_with_descriptor`, the one `create` of kit plugins), a table
    /// smaller than the ABI 1.0 functions the kit calls, or one missing a function the kit calls.
    /// Reads each field through the pointer: a table is only as long as its `struct_size`.
    static func validate(_ host: UnsafePointer<etl_host_api>) throws(PluginError) {
        let structSize = Int(host.pointee.struct_size)
        guard structSize >= versionFieldsSize else {
            throw .unsupported("the host's API table is \(structSize) bytes, too small to hold its ABI version; the host is not an etl-runtime of ABI \(ETL_PLUGIN_ABI_MAJOR).x")
        }
        let major = host.pointee.abi_major
        let minor = host.pointee.abi_minor
        guard Int32(major) == ETL_PLUGIN_ABI_MAJOR else {
            throw .unsupported("the host speaks plugin ABI \(major).\(minor) but this plugin was built for ABI \(ETL_PLUGIN_ABI_MAJOR).\(ETL_PLUGIN_ABI_MINOR); rebuild the plugin against the host's SDK")
        }
        guard minor >= 1 else {
            throw .unsupported("the host speaks plugin ABI \(major).\(minor), but plugins built with ETLPluginKit need ABI 1.1 or later (create_with_descriptor); upgrade etl-runtime")
        }
        // The kit needs only ABI 1.0 functions of the table; `report_progress` (1.3) it calls only
        // when the table holds it (`PluginHost.reportProgress`).
        guard structSize >= Int(etl_layout_host_api_size_1_0) else {
            throw .unsupported("the host's API table is \(structSize) bytes but ABI 1.0 needs \(etl_layout_host_api_size_1_0); the host is broken")
        }
        let missing = [
            ("log", host.pointee.log == nil), ("is_cancelled", host.pointee.is_cancelled == nil),
            ("report_reject", host.pointee.report_reject == nil),
        ].filter(\.1).map(\.0)
        guard missing.isEmpty else {
            throw .unsupported("the host's API table lacks \(missing.joined(separator: ", ")); the host is broken")
        }
    }
}
