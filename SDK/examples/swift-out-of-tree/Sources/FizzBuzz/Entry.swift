import ETLPluginKit

/// The library's one exported symbol: hands the host its plugin types. List as many as you
/// like; each is created as itself (ABI 1.1's create_with_descriptor).
@_cdecl("etl_plugin_entry")
public func etlPluginEntry(_ host: UnsafePointer<etl_host_api>?,
                           _ library: UnsafeMutablePointer<UnsafePointer<etl_plugin_library>?>?,
                           _ error: UnsafeMutablePointer<etl_error>?) -> etl_status {
    PluginLibrary.entry(host: host, library: library, error: error, plugins: [.source(FizzBuzzSource.self)])
}
