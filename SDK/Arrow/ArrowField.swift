/// One column of a batch: its name, type and whether it may hold nulls.
public struct ArrowField: Sendable, Hashable {
    /// The canonical Arrow extension name of JSON text on a utf8 column
    /// (https://arrow.apache.org/docs/format/CanonicalExtensions.html#json): sinks with a JSON
    /// type (PostgreSQL's jsonb) create such columns with it.
    public static let jsonExtension = "arrow.json"

    /// The column name (UTF-8; may be empty when a foreign schema left it unset).
    public var name: String
    /// The column type. Changing it drops `extensionName`: an extension describes the values of
    /// its storage type, which a cast replaces.
    public var type: ArrowColumnType {
        didSet { if type != oldValue { extensionName = nil } }
    }
    /// Whether the column may hold nulls (`ARROW_FLAG_NULLABLE`).
    public var nullable: Bool
    /// The Arrow extension type the values carry (`ARROW:extension:name` in the field's metadata),
    /// e.g. `jsonExtension`; nil for a plain column. Consumers that do not know it read the storage type.
    public var extensionName: String?

    /// Creates a field; columns are nullable unless stated otherwise.
    public init(name: String, type: ArrowColumnType, nullable: Bool = true, extensionName: String? = nil) {
        self.name = name
        self.type = type
        self.nullable = nullable
        self.extensionName = extensionName
    }

    /// True for a utf8 column of JSON text (`arrow.json`).
    public var isJSON: Bool { type == .utf8 && extensionName == Self.jsonExtension }
}
