import CETLPlugin
import ETLArrow

/// The C functions of every kit source's `etl_source_api`: each unboxes the `SourceInstanceBox` and
/// turns thrown errors into statuses. All are [instance].
enum SourceBridge {
    static func destroy(_ pointer: UnsafeMutableRawPointer?) {
        guard let pointer else { return }
        Unmanaged<SourceInstanceBox>.fromOpaque(pointer).release()
    }

    static func check(_ pointer: UnsafeMutableRawPointer?, error: UnsafeMutablePointer<etl_error>?) -> etl_status {
        InstanceBridge.run(error) { () throws(PluginError) in
            try InstanceBridge.instance(pointer, as: SourceInstanceBox.self, in: "check").source.check()
        }
    }

    static func discover(_ pointer: UnsafeMutableRawPointer?, outCatalog: UnsafeMutablePointer<ArrowSchema>?,
                         error: UnsafeMutablePointer<etl_error>?) -> etl_status {
        InstanceBridge.run(error) { () throws(PluginError) in
            let box = try InstanceBridge.instance(pointer, as: SourceInstanceBox.self, in: "discover")
            guard let outCatalog else { throw .internalError("discover was called with a NULL out_catalog: the host is broken") }
            let streams = try box.source.discover()
            CatalogExport.export(streams, to: outCatalog)
        }
    }

    static func read(_ pointer: UnsafeMutableRawPointer?, request: UnsafePointer<etl_read_request>?,
                     outStream: UnsafeMutablePointer<ArrowArrayStream>?, error: UnsafeMutablePointer<etl_error>?) -> etl_status {
        InstanceBridge.run(error) { () throws(PluginError) in
            let box = try InstanceBridge.instance(pointer, as: SourceInstanceBox.self, in: "read")
            guard let request, let outStream else {
                throw .internalError("read was called with a NULL request or out_stream: the host is broken")
            }
            let producer = try box.source.read(try ReadRequest(copying: request))
            ArrowStreamExport.export(producer, to: outStream)
        }
    }

    static func checkRead(_ pointer: UnsafeMutableRawPointer?, request: UnsafePointer<etl_read_request>?,
                          error: UnsafeMutablePointer<etl_error>?) -> etl_status {
        InstanceBridge.run(error) { () throws(PluginError) in
            let box = try InstanceBridge.instance(pointer, as: SourceInstanceBox.self, in: "check_read")
            guard let request else { throw .internalError("check_read was called with a NULL request: the host is broken") }
            try box.source.checkRead(try ReadRequest(copying: request))
        }
    }

    static func checkpoint(_ pointer: UnsafeMutableRawPointer?, outState: UnsafeMutablePointer<UnsafePointer<CChar>?>?,
                           error: UnsafeMutablePointer<etl_error>?) -> etl_status {
        InstanceBridge.run(error) { () throws(PluginError) in
            let box = try InstanceBridge.instance(pointer, as: SourceInstanceBox.self, in: "checkpoint")
            guard let outState else { throw .internalError("checkpoint was called with a NULL out_state_json: the host is broken") }
            outState.pointee = nil
            outState.pointee = box.returnedState.store(try box.source.checkpoint())
        }
    }
}
