import CETLPlugin
import ETLPluginKit

/// The library's one exported symbol (ETL_PLUGIN_ENTRY_SYMBOL): hands the host the `parquet`
/// source and sink. [load] Called once per process, right after `dlopen`.
@_cdecl("etl_plugin_entry")
public func etlPluginEntry(_ host: UnsafePointer<etl_host_api>?,
                           _ library: UnsafeMutablePointer<UnsafePointer<etl_plugin_library>?>?,
                           _ error: UnsafeMutablePointer<etl_error>?) -> etl_status {
    PluginLibrary.entry(host: host, library: library, error: error, plugins: [.sink(ParquetSink.self), .source(ParquetSource.self)])
}
