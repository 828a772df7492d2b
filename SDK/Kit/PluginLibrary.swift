import CETLPlugin

/// The one-line export of a Swift plugin library's entry symbol.
///
/// ```swift
/// @_cdecl("etl_plugin_entry")
/// public func etlPluginEntry(_ host: UnsafePointer<etl_host_api>?,
///                            _ library: UnsafeMutablePointer<UnsafePointer<etl_plugin_library>?>?,
///                            _ error: UnsafeMutablePointer<etl_error>?) -> etl_status {
///     PluginLibrary.entry(host: host, library: library, error: error, plugins: [.sink(MySink.self)])
/// }
/// ```
public enum PluginLibrary {
    /// Implements `etl_plugin_entry`: checks the host's ABI, then hands back the library's
    /// descriptors.
    ///
    /// - Refuses with `ETL_UNSUPPORTED` a host of another ABI major, a host older than ABI 1.1 (it
    ///   would not call `create_with_descriptor`, through which the kit creates every plugin type),
    ///   a host table smaller than ABI 1.0's or missing `log` / `is_cancelled` / `report_reject`,
    ///   and with `ETL_INTERNAL` a plugin list the host could not use (see `PluginDescriptor`); the
    ///   message says which and why. A library may hold any number of plugin types.
    /// - The library, descriptors, function tables and strings are built once per plugin list and
    ///   never freed ([plugin-owned, static]); calling again with the same list returns the same
    ///   pointer. Safe to call from several threads at once.
    /// - Parameters:
    ///   - host: [host-owned] the host's API table, valid until the process exits.
    ///   - library: (out) receives the library; left NULL on failure.
    ///   - error: (out) [caller-owned] filled on failure; may be NULL.
    ///   - plugins: the library's plugins, in the order `list-plugins` shows them.
    /// [load]
    public static func entry(host: UnsafePointer<etl_host_api>?, library: UnsafeMutablePointer<UnsafePointer<etl_plugin_library>?>?,
                             error: UnsafeMutablePointer<etl_error>?, plugins: [PluginRegistration]) -> etl_status {
        InstanceBridge.run(error) { () throws(PluginError) in
            guard let library else {
                throw .internalError("etl_plugin_entry was called with a NULL out_library: the host is broken")
            }
            library.pointee = nil
            guard let host else {
                throw .internalError("etl_plugin_entry was called with a NULL host API table: the host is broken")
            }
            try HostAPICheck.validate(host)
            library.pointee = try PluginRegistry.library(for: plugins)
        }
    }
}
