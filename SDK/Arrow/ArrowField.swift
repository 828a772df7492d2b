/// One column of a batch: its name, type and whether it may hold nulls.
public struct ArrowField: Sendable, Hashable {
    /// The column name (UTF-8; may be empty when a foreign schema left it unset).
    public var name: String
    /// The column type.
    public var type: ArrowColumnType
    /// Whether the column may hold nulls (`ARROW_FLAG_NULLABLE`).
    public var nullable: Bool

    /// Creates a field; columns are nullable unless stated otherwise.
    public init(name: String, type: ArrowColumnType, nullable: Bool = true) {
        self.name = name
        self.type = type
        self.nullable = nullable
    }
}
