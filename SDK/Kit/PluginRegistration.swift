/// One plugin of a library, as listed in `PluginLibrary.entry(..., plugins:)`:
/// `.sink(MySink.self)` or `.source(MySource.self)`.
public struct PluginRegistration: @unchecked Sendable {
    // @unchecked: it holds only a metatype and an immutable descriptor; metatypes of
    // non-Sendable classes are safe to share because nothing mutable is reached through them.

    /// Which kind of plugin this is, with its type.
    enum Kind {
        case sink(any ETLSink.Type)
        case source(any ETLSource.Type)
    }

    let kind: Kind

    /// The plugin's descriptor, read once from the type.
    public var descriptor: PluginDescriptor {
        switch kind {
        case .sink(let type): return type.descriptor
        case .source(let type): return type.descriptor
        }
    }

    /// Registers a sink type.
    public static func sink(_ type: any ETLSink.Type) -> PluginRegistration {
        PluginRegistration(kind: .sink(type))
    }

    /// Registers a source type.
    public static func source(_ type: any ETLSource.Type) -> PluginRegistration {
        PluginRegistration(kind: .source(type))
    }

    /// Identifies the type, so that registering the same type twice reuses its C tables.
    var typeIdentifier: ObjectIdentifier {
        switch kind {
        case .sink(let type): return ObjectIdentifier(type)
        case .source(let type): return ObjectIdentifier(type)
        }
    }
}
