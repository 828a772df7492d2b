import CETLPlugin
import Synchronization

/// The process-wide (per copy of the kit) table of registered plugin types and the C structures
/// built for them.
///
/// Everything here is built once and never freed: the host never unloads a plugin library, and
/// the header promises descriptors valid until the process exits. Calling `PluginLibrary.entry`
/// again with the same plugin list returns the same `etl_plugin_library`; a different list (only
/// tests do that) gets its own, sharing the descriptors of types already registered.
/// A `Mutex` makes the one-time construction safe when several threads load at once.
enum PluginRegistry {
    private struct State: ~Copyable {
        /// The registration bound to each create trampoline slot, in slot order.
        var registrations: [PluginRegistration] = []
        /// Type → (slot, address of its permanent `etl_plugin_descriptor`).
        var descriptorsByType: [ObjectIdentifier: (slot: Int, descriptor: UInt)] = [:]
        /// Plugin list → address of its permanent `etl_plugin_library`.
        var librariesByList: [[ObjectIdentifier]: UInt] = [:]
    }

    private static let state = Mutex(State())

    /// The registration bound to a create trampoline slot.
    static func registration(forSlot slot: Int) -> PluginRegistration? {
        state.withLock { state in
            slot < state.registrations.count ? state.registrations[slot] : nil
        }
    }

    /// The permanent library for `plugins`, built on first use.
    /// - Throws: `ETL_INTERNAL` when the list is invalid (see `DescriptorValidation`) or holds more
    ///   types than there are create trampolines.
    static func library(for plugins: [PluginRegistration]) throws(PluginError) -> UnsafePointer<etl_plugin_library> {
        let key = plugins.map(\.typeIdentifier)
        let address = try state.withLock { (state: inout State) throws(PluginError) -> UInt in
            if let existing = state.librariesByList[key] { return existing }
            try DescriptorValidation.validate(plugins)
            var descriptors: [UnsafePointer<etl_plugin_descriptor>?] = []
            for plugin in plugins {
                if let known = state.descriptorsByType[plugin.typeIdentifier] {
                    descriptors.append(UnsafePointer(bitPattern: known.descriptor))
                    continue
                }
                let slot = state.registrations.count
                guard let create = CreateTrampolines.function(forSlot: slot) else {
                    throw .internalError("plugin '\(plugin.descriptor.name)' cannot be registered: one library built with ETLPluginKit holds at most \(CreateTrampolines.count) plugin types")
                }
                state.registrations.append(plugin)
                let descriptor = CTableBuilder.makeDescriptor(for: plugin, create: create)
                state.descriptorsByType[plugin.typeIdentifier] = (slot, UInt(bitPattern: descriptor))
                descriptors.append(descriptor)
            }
            let library = CTableBuilder.makeLibrary(descriptors: descriptors)
            let address = UInt(bitPattern: library)
            state.librariesByList[key] = address
            return address
        }
        return UnsafePointer(bitPattern: address)!
    }
}
