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

    /// `create_with_descriptor` of every kit plugin: finds the plugin's type through the
    /// descriptor's `user_data`, parses the config, instantiates the Swift type and hands the host
    /// a retained box (released by `destroy`).
    static func create(descriptor: UnsafePointer<etl_plugin_descriptor>?, host: UnsafePointer<etl_host_api>?, hostInstance: OpaquePointer?,
                       configJSON: UnsafePointer<CChar>?, outInstance: UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
                       error: UnsafeMutablePointer<etl_error>?) -> etl_status {
        run(error) { () throws(PluginError) in
            guard let descriptor, let host, let outInstance else {
                throw .internalError("create_with_descriptor was called with a NULL descriptor, host or out_instance: the host is broken")
            }
            outInstance.pointee = nil
            try HostAPICheck.validate(host)
            let registration = try PluginRegistry.registration(of: descriptor)
            guard let configJSON else {
                throw .invalidConfig("plugin '\(registration.descriptor.name)' got a NULL config; pass {} when there is nothing to configure")
            }
            let config = try PluginConfig(parsing: String(cString: configJSON))
            let pluginHost = PluginHost(api: host, instance: hostInstance)
            switch registration.kind {
            case .sink(let type):
                let sink = try type.init(config: config, host: pluginHost)
                outInstance.pointee = Unmanaged.passRetained(SinkInstanceBox(sink: sink, host: pluginHost)).toOpaque()
            case .source(let type):
                let source = try type.init(config: config, host: pluginHost)
                outInstance.pointee = Unmanaged.passRetained(SourceInstanceBox(source: source, host: pluginHost)).toOpaque()
            }
        }
    }
}
