import CETLPlugin

/// What sink and source bridges share: turning thrown errors into statuses, and `create`.
enum InstanceBridge {
    /// Runs `body` and returns `ETL_OK`, or the thrown error's status after writing it into
    /// `error`. Every C function of the kit goes through here, so no Swift error escapes as
    /// anything but a status and a message.
    static func run(_ error: UnsafeMutablePointer<etl_error>?, _ body: () throws(PluginError) -> Void) -> etl_status {
        do throws(PluginError) {
            try body()
            return etl_status(ETL_OK)
        } catch let failure {
            failure.write(to: error)
            return failure.status
        }
    }

    /// The boxed instance behind the opaque pointer the host passes back.
    static func instance<Box: AnyObject>(_ pointer: UnsafeMutableRawPointer?, as type: Box.Type, in function: String) throws(PluginError) -> Box {
        guard let pointer else {
            throw .internalError("\(function) was called with a NULL instance: the host is broken")
        }
        return Unmanaged<Box>.fromOpaque(pointer).takeUnretainedValue()
    }

    /// `create` for the plugin type registered in `slot`: parses the config, instantiates the
    /// Swift type and hands the host a retained box (released by `destroy`).
    static func create(slot: Int, host: UnsafePointer<etl_host_api>?, hostInstance: OpaquePointer?, configJSON: UnsafePointer<CChar>?,
                       outInstance: UnsafeMutablePointer<UnsafeMutableRawPointer?>?, error: UnsafeMutablePointer<etl_error>?) -> etl_status {
        run(error) { () throws(PluginError) in
            guard let host, let outInstance else {
                throw .internalError("create was called with a NULL host or out_instance: the host is broken")
            }
            outInstance.pointee = nil
            try HostAPICheck.validate(host)
            guard let registration = PluginRegistry.registration(forSlot: slot) else {
                throw .internalError("create slot \(slot) has no registered plugin: the library's tables are corrupt")
            }
            guard let configJSON else {
                throw .invalidConfig("plugin '\(registration.descriptor.name)' got a NULL config; pass {} when there is nothing to configure")
            }
            let config = try PluginConfig(parsing: String(cString: configJSON))
            let pluginHost = PluginHost(api: host, instance: hostInstance)
            switch registration.kind {
            case .sink(let type):
                let sink = try type.init(config: config, host: pluginHost)
                outInstance.pointee = Unmanaged.passRetained(SinkInstance(sink: sink, host: pluginHost)).toOpaque()
            case .source(let type):
                let source = try type.init(config: config, host: pluginHost)
                outInstance.pointee = Unmanaged.passRetained(SourceInstance(source: source, host: pluginHost)).toOpaque()
            }
        }
    }
}
