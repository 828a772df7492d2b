import ETLArrow

/// One stream a source offers: what `ETLSource.discover` returns, one per stream.
public struct StreamDescription: Sendable, Hashable {
    /// The stream's name, as a manifest entry's `"stream"` names it.
    public var name: String
    /// The stream's columns.
    public var schema: ArrowSchemaDescription

    /// Creates a stream description.
    public init(name: String, schema: ArrowSchemaDescription) {
        self.name = name
        self.schema = schema
    }
}
