import CETLPlugin
import CETLPluginLayout
import Synchronization

/// The process-wide (per copy of the kit) table of the C structures built for registered plugin
/// types.
///
/// Everything here is built once and never freed: the host never unloads a plugin library, and
/// the header promises descriptors valid until the process exits. Calling `PluginLibrary.entry`
/// again with the same plugin list returns the same `etl_plugin_library`; a different list (only
/// tests do that) gets its own, sharing the descriptors of types already registered.
/// A `Mutex` makes the one-time construction safe when several threads load at once.
///
/// There is no limit on the number of types: each descriptor's `user_data` carries its
/// registration, and one `create_with_descriptor` function (ABI 1.1) serves them all.
enum PluginRegistry {
    private struct State: ~Copyable {
        /// Type → address of its permanent `etl_plugin_descriptor`.
        var descriptorsByType: [ObjectIdentifier: UInt] = [:]
        /// Plugin list → address of its permanent `etl_plugin_library`.
        var librariesByList: [[ObjectIdentifier]: UInt] = [:]
    }

    private static let state = Mutex(State())

    /// The permanent library for `plugins`, built on first use.
    /// - Throws: `ETL_INTERNAL` when the list is invalid (see `DescriptorValidation`).
    static func library(for plugins: [PluginRegistration]) throws(PluginError) -> UnsafePointer<etl_plugin_library> {
        let key = plugins.map(\.typeIdentifier)
        let address = try state.withLock { (state: inout State) throws(PluginError) -> UInt in
            if let existing = state.librariesByList[key] { return existing }
            try DescriptorValidation.validate(plugins)
            var descriptors: [UnsafePointer<etl_plugin_descriptor>?] = []
            for plugin in plugins {
                if let known = state.descriptorsByType[plugin.typeIdentifier] {
                    descriptors.append(UnsafePointer(bitPattern: known))
                    continue
                }
                let descriptor = CTableBuilder.makeDescriptor(for: plugin)
                state.descriptorsByType[plugin.typeIdentifier] = UInt(bitPattern: descriptor)
                descriptors.append(descriptor)
            }
            let library = CTableBuilder.makeLibrary(descriptors: descriptors)
            let address = UInt(bitPattern: library)
            state.librariesByList[key] = address
            return address
        }
        return UnsafePointer(bitPattern: address)!
    }

    /// The registration a descriptor built by `CTableBuilder` carries in its `user_data`.
    /// - Throws: `ETL_INTERNAL` when the descriptor is not one of the kit's (too small for
    ///   `user_data`, or without one): the host passed another plugin's descriptor.
    static func registration(of descriptor: UnsafePointer<etl_plugin_descriptor>) throws(PluginError) -> PluginRegistration {
        guard descriptor.pointee.struct_size >= etl_layout_plugin_descriptor_size_1_1, let box = descriptor.pointee.user_data else {
            throw .internalError("create_with_descriptor was called with a descriptor this library did not build: the host is broken")
        }
        return Unmanaged<RegistrationBox>.fromOpaque(box).takeUnretainedValue().registration
    }

    /// Makes the `user_data` of a new descriptor: a box retained forever, like the descriptor.
    static func userData(for registration: PluginRegistration) -> UnsafeMutableRawPointer {
        Unmanaged.passRetained(RegistrationBox(registration)).toOpaque()
    }
}

/// What a kit descriptor's `user_data` points to.
private final class RegistrationBox {
    let registration: PluginRegistration
    init(_ registration: PluginRegistration) { self.registration = registration }
}
