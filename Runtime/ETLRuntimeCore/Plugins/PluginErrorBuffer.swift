import CETLPlugin

/// An `etl_error` the host hands to a plugin call: zeroed, sized, and read back as text.
struct PluginErrorBuffer {
    private var storage = etl_error()

    init() {
        storage.struct_size = UInt32(MemoryLayout<etl_error>.size)
    }

    mutating func withPointer<T>(_ body: (UnsafeMutablePointer<etl_error>) -> T) -> T {
        withUnsafeMutablePointer(to: &storage, body)
    }

    /// The plugin's message, cut at the first NUL or at the buffer's end (a plugin that
    /// forgot the terminator must not make us read past it).
    func message(or fallback: String) -> String {
        var copy = storage
        let text = withUnsafeBytes(of: &copy.message) { raw -> String in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
        return text.isEmpty ? fallback : text
    }
}

/// A plugin call that failed: the plugin, the function, the status and its message.
package struct PluginCallError: Error, Sendable, CustomStringConvertible {
    package var plugin: String
    package var function: String
    package var status: etl_status
    package var message: String

    package var description: String {
        "plugin \(plugin): \(function) failed (\(PluginStatus.name(status))): \(message)"
    }
}
