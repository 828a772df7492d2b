import CETLPlugin
import ETLArrow
import ETLRuntimeCore
import Glibc

// The embedding API: plain C functions that let another program (Python through ctypes,
// a C program) run etl-runtime plugins in its own process and exchange Arrow data with
// them through the C Stream Interface. Declared for C in Runtime/ETLHost/etl_host.h.
// Every function returns 0 on success, or an etl_status and a NUL-terminated message
// in `error_message` (caller-owned, `error_capacity` bytes).

/// Opens `stream` of source plugin `plugin` (searched in the colon-separated
/// `plugin_dirs`) with `config_json`, resuming from `state_json` (may be NULL), and
/// moves an ArrowArrayStream into `out`. The caller releases `out`; that also destroys
/// the source instance. [any-thread; the stream is used by one thread at a time]
@_cdecl("etl_host_read_source")
public func etl_host_read_source(
    _ pluginDirectories: UnsafePointer<CChar>?, _ plugin: UnsafePointer<CChar>?, _ configJSON: UnsafePointer<CChar>?,
    _ stream: UnsafePointer<CChar>?, _ stateJSON: UnsafePointer<CChar>?, _ batchSize: Int64,
    _ out: UnsafeMutablePointer<ArrowArrayStream>?, _ errorMessage: UnsafeMutablePointer<CChar>?, _ errorCapacity: Int
) -> Int32 {
    EmbeddingCall(errorMessage, errorCapacity).run {
        guard let out else { throw EmbeddingError(ETL_INTERNAL, "out is NULL") }
        let loaded = try EmbeddingCall.loadPlugin(pluginDirectories, plugin)
        let source = try SourceInstance(plugin: loaded, configJSON: EmbeddingCall.text(configJSON) ?? "{}", entryID: "embedded")
        let request = ReadRequest(
            entryID: "embedded", stream: EmbeddingCall.text(stream) ?? "", stateJSON: EmbeddingCall.text(stateJSON),
            batchSize: batchSize > 0 ? Int64(batchSize) : 10_000)
        let producer = try EmbeddedSourceStream(read: try source.read(request))
        ArrowStreamExport.export(producer, to: out)
    }
}

/// Loads every batch of `input` (moved in: this function releases it) into `target`
/// through sink plugin `plugin`, with write mode "replace", "append", "merge" or
/// "scd2", and commits with `state_json` (may be NULL) for entry `entry_id`. Stores
/// the rows the sink committed in `*out_rows` (may be NULL).
@_cdecl("etl_host_write_sink")
public func etl_host_write_sink(
    _ pluginDirectories: UnsafePointer<CChar>?, _ plugin: UnsafePointer<CChar>?, _ configJSON: UnsafePointer<CChar>?,
    _ entryID: UnsafePointer<CChar>?, _ target: UnsafePointer<CChar>?, _ writeMode: UnsafePointer<CChar>?,
    _ input: UnsafeMutablePointer<ArrowArrayStream>?, _ stateJSON: UnsafePointer<CChar>?,
    _ outRows: UnsafeMutablePointer<Int64>?, _ errorMessage: UnsafeMutablePointer<CChar>?, _ errorCapacity: Int
) -> Int32 {
    EmbeddingCall(errorMessage, errorCapacity).run {
        guard let input else { throw EmbeddingError(ETL_INTERNAL, "input is NULL") }
        let batches = ImportedArrayStream(taking: input)
        let modeName = EmbeddingCall.text(writeMode) ?? "append"
        guard let mode = WriteMode(rawValue: modeName) else {
            throw EmbeddingError(ETL_INVALID_CONFIG, "write mode \"\(modeName)\" is not one of replace, append, merge, scd2")
        }
        let loaded = try EmbeddingCall.loadPlugin(pluginDirectories, plugin)
        let entry = EmbeddingCall.text(entryID) ?? "embedded"
        let sink = try SinkInstance(plugin: loaded, configJSON: EmbeddingCall.text(configJSON) ?? "{}", entryID: entry)
        let schema = try batches.schema()
        try sink.begin(LoadRequest(entryID: entry, runID: "embedded", target: EmbeddingCall.text(target) ?? "", writeMode: mode, schema: schema))
        do {
            while let batch = try batches.next() { try sink.write(batch) }
            let rows = try sink.commit(stateJSON: EmbeddingCall.text(stateJSON))
            outRows?.pointee = rows
        } catch {
            try? sink.abort()
            throw error
        }
    }
}
