import CETLPlugin
import Foundation

/// A plugin library that has been opened, initialised and checked. Never unloaded: a
/// library may hold Swift metadata or threads that outlive any `dlclose` we could do.
package final class PluginLibrary: @unchecked Sendable {
    /// Absolute path of the library file.
    package let path: String
    /// The ABI version the library was built against.
    package let abiMajor: Int
    package let abiMinor: Int
    /// The plugins the library offers, in its own order.
    package let plugins: [LoadedPlugin]

    init(path: String, abiMajor: Int, abiMinor: Int, plugins: [LoadedPlugin]) {
        self.path = path
        self.abiMajor = abiMajor
        self.abiMinor = abiMinor
        self.plugins = plugins
    }
}

/// One plugin of a loaded library: its descriptor (static in the library) and a summary.
package final class LoadedPlugin: @unchecked Sendable {
    package let info: PluginInfo
    /// Points into the library, which stays loaded for the life of the process.
    let descriptor: UnsafePointer<etl_plugin_descriptor>

    init(info: PluginInfo, descriptor: UnsafePointer<etl_plugin_descriptor>) {
        self.info = info
        self.descriptor = descriptor
    }

    var sourceAPI: UnsafePointer<etl_source_api>? { descriptor.pointee.source }
    var sinkAPI: UnsafePointer<etl_sink_api>? { descriptor.pointee.sink }
}
