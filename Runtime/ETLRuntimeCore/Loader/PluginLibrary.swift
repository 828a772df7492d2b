import CETLPlugin
import ETLArrow
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

    /// A failure its stream's `get_next` returned, as the host acts on it. The errno carries the
    /// source's status (SDK/ABI.md, "Errors inside a stream"; EINVAL is ETL_INVALID_CONFIG, exit 78)
    /// for plugins built for ABI 1.2 or later. Older plugins were told to return EINVAL for any
    /// failure other than I/O, so theirs stays an ordinary failure.
    func streamFailure(_ error: ArrowError) -> ArrowError {
        guard error.producerStatus == ETL_INVALID_CONFIG, !builtForABI(minor: 2) else { return error }
        var failure = error
        failure.producerStatus = ETL_IO_ERROR
        return failure
    }

    /// Whether the library was built against ABI 1.`minor` or later.
    func builtForABI(minor: Int) -> Bool {
        let parts = info.abiVersion.split(separator: ".").compactMap { Int($0) }
        return parts.count == 2 && parts[0] == Int(ETL_PLUGIN_ABI_MAJOR) && parts[1] >= minor
    }
    var sinkAPI: UnsafePointer<etl_sink_api>? { descriptor.pointee.sink }
}
