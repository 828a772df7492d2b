import CETLPlugin
import ETLArrow

/// The C functions of every kit sink's `etl_sink_api`: each unboxes the `SinkInstanceBox`, enforces
/// the load protocol (begin → write* → commit | abort) and turns thrown errors into statuses.
/// All are [instance]: the host calls them on one thread at a time per instance.
enum SinkBridge {
    static func destroy(_ pointer: UnsafeMutableRawPointer?) {
        guard let pointer else { return }
        let box = Unmanaged<SinkInstanceBox>.fromOpaque(pointer).takeRetainedValue()
        // The header: an open load is aborted first. There is no caller to hand an error to, so
        // it goes to the log.
        if box.openLoad != nil {
            box.openLoad = nil
            do throws(PluginError) {
                try box.sink.abort()
            } catch {
                box.host.warning("aborting the open load while destroying the '\(box.pluginName)' instance failed: \(error.message)")
            }
        }
    }

    static func check(_ pointer: UnsafeMutableRawPointer?, error: UnsafeMutablePointer<etl_error>?) -> etl_status {
        InstanceBridge.run(error) { () throws(PluginError) in
            try InstanceBridge.instance(pointer, as: SinkInstanceBox.self, in: "check").sink.check()
        }
    }

    static func begin(_ pointer: UnsafeMutableRawPointer?, request: UnsafePointer<etl_load_request>?,
                      error: UnsafeMutablePointer<etl_error>?) -> etl_status {
        InstanceBridge.run(error) { () throws(PluginError) in
            let box = try InstanceBridge.instance(pointer, as: SinkInstanceBox.self, in: "begin")
            guard let request else { throw .internalError("begin was called with a NULL request: the host is broken") }
            if let open = box.openLoad {
                throw .internalError("begin for target '\(String(cString: request.pointee.target))' was called while the load into '\(open.target)' is still open; commit or abort it first")
            }
            let load = try LoadRequest(copying: request)
            let offered = type(of: box.sink).descriptor.capabilities
            guard offered.contains(load.writeMode.requiredCapability) else {
                throw .unsupported("plugin '\(box.pluginName)' does not support write mode \(load.writeMode) (it offers: \(offered)); choose one of those modes for target '\(load.target)'")
            }
            // A host that ignores capabilities must not have its delete flags stored as data.
            if !offered.contains(.deletes), try load.options().contains(LoadRequest.deleteColumnKey) {
                throw .invalidConfig("plugin '\(box.pluginName)' cannot apply deletes (no ETL_CAP_DELETES capability), but the load into '\(load.target)' asks for them with the option \"\(LoadRequest.deleteColumnKey)\"; remove delete_when from the entry or load into a sink that offers deletes")
            }
            try box.sink.begin(load)
            box.openLoad = load
        }
    }

    static func checkLoad(_ pointer: UnsafeMutableRawPointer?, request: UnsafePointer<etl_load_request>?,
                          error: UnsafeMutablePointer<etl_error>?) -> etl_status {
        InstanceBridge.run(error) { () throws(PluginError) in
            let box = try InstanceBridge.instance(pointer, as: SinkInstanceBox.self, in: "check_load")
            guard let request else { throw .internalError("check_load was called with a NULL request: the host is broken") }
            let load = try LoadRequest(copying: request, schemaMayBeMissing: true)
            let offered = type(of: box.sink).descriptor.capabilities
            guard offered.contains(load.writeMode.requiredCapability) else {
                throw .invalidConfig("plugin '\(box.pluginName)' does not support write mode \(load.writeMode) (it offers: \(offered)); choose one of those modes for target '\(load.target)'")
            }
            try box.sink.checkLoad(load, schemaKnown: request.pointee.schema != nil)
        }
    }

    static func write(_ pointer: UnsafeMutableRawPointer?, batch: UnsafeMutablePointer<ArrowArray>?,
                      error: UnsafeMutablePointer<etl_error>?) -> etl_status {
        InstanceBridge.run(error) { () throws(PluginError) in
            guard let batch else { throw .internalError("write was called with a NULL batch: the host is broken") }
            // The sink owns the batch from here on, whatever happens: release it on every path.
            guard let box = pointer.map({ Unmanaged<SinkInstanceBox>.fromOpaque($0).takeUnretainedValue() }) else {
                batch.pointee.release?(batch)
                throw .internalError("write was called with a NULL instance: the host is broken")
            }
            guard let load = box.openLoad else {
                batch.pointee.release?(batch)
                throw .internalError("write was called on plugin '\(box.pluginName)' without an open load; call begin first")
            }
            let imported: ImportedRecordBatch
            do throws(ArrowError) {
                imported = try ImportedRecordBatch(taking: batch, schema: load.schema)
            } catch {
                throw PluginError(error, context: "a batch for target '\(load.target)' does not match the load's schema")
            }
            try box.sink.write(imported)
        }
    }

    static func commit(_ pointer: UnsafeMutableRawPointer?, stateJSON: UnsafePointer<CChar>?,
                       outRows: UnsafeMutablePointer<Int64>?, error: UnsafeMutablePointer<etl_error>?) -> etl_status {
        InstanceBridge.run(error) { () throws(PluginError) in
            let box = try InstanceBridge.instance(pointer, as: SinkInstanceBox.self, in: "commit")
            guard box.openLoad != nil else {
                throw .internalError("commit was called on plugin '\(box.pluginName)' without an open load; call begin first")
            }
            // A failed commit leaves the load open: the host aborts it (or destroy does).
            let rows = try box.sink.commit(state: stateJSON.map { String(cString: $0) })
            box.openLoad = nil
            outRows?.pointee = rows
        }
    }

    static func abort(_ pointer: UnsafeMutableRawPointer?, error: UnsafeMutablePointer<etl_error>?) -> etl_status {
        InstanceBridge.run(error) { () throws(PluginError) in
            let box = try InstanceBridge.instance(pointer, as: SinkInstanceBox.self, in: "abort")
            // Nothing open means nothing to discard; the host may abort defensively after a failure.
            guard box.openLoad != nil else { return }
            // Closed whatever abort says: a second abort of a half-discarded load cannot do better.
            box.openLoad = nil
            try box.sink.abort()
        }
    }

    static func readState(_ pointer: UnsafeMutableRawPointer?, entryID: UnsafePointer<CChar>?,
                          outState: UnsafeMutablePointer<UnsafePointer<CChar>?>?, error: UnsafeMutablePointer<etl_error>?) -> etl_status {
        InstanceBridge.run(error) { () throws(PluginError) in
            let box = try InstanceBridge.instance(pointer, as: SinkInstanceBox.self, in: "read_state")
            guard let entryID, let outState else {
                throw .internalError("read_state was called with a NULL entry_id or out_state_json: the host is broken")
            }
            outState.pointee = nil
            let state = try box.sink.readState(entryID: String(cString: entryID))
            outState.pointee = box.returnedState.store(state)
        }
    }

    static func executeSQL(_ pointer: UnsafeMutableRawPointer?, sql: UnsafePointer<CChar>?,
                           error: UnsafeMutablePointer<etl_error>?) -> etl_status {
        InstanceBridge.run(error) { () throws(PluginError) in
            let box = try InstanceBridge.instance(pointer, as: SinkInstanceBox.self, in: "execute_sql")
            guard let sql else { throw .internalError("execute_sql was called with NULL sql: the host is broken") }
            try box.sink.executeSQL(String(cString: sql))
        }
    }

    static func runModel(_ pointer: UnsafeMutableRawPointer?, request: UnsafePointer<etl_model_request>?,
                         outRows: UnsafeMutablePointer<Int64>?, outState: UnsafeMutablePointer<UnsafePointer<CChar>?>?,
                         outReads: UnsafeMutablePointer<UnsafePointer<CChar>?>?, error: UnsafeMutablePointer<etl_error>?) -> etl_status {
        InstanceBridge.run(error) { () throws(PluginError) in
            let box = try InstanceBridge.instance(pointer, as: SinkInstanceBox.self, in: "run_model")
            guard let request else { throw .internalError("run_model was called with a NULL request: the host is broken") }
            outState?.pointee = nil
            outReads?.pointee = nil
            if let open = box.openLoad {
                throw .internalError("run_model was called while the load into '\(open.target)' is still open; commit or abort it first")
            }
            let result = try box.sink.runModel(try ModelRequest(copying: request))
            outRows?.pointee = result.rows
            outState?.pointee = box.returnedState.store(result.stateJSON)
            let reads = result.reads.map { names in
                JSONValue.array(names.map { JSONValue.string($0) }).serialized()
            }
            outReads?.pointee = box.returnedReads.store(reads)
        }
    }
}
