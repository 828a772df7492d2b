import ETLArrow

/// One column a Parquet file offers to a reader: a top-level field of its schema.
public struct ParquetOutputField: Sendable {
    public enum Kind: Sendable {
        /// A flat leaf (not repeated, not inside a group): loaded with its conversion.
        case leaf(leafIndex: Int, conversion: LeafConversion)
        /// A group (struct, list, map) or a repeated leaf: loaded as JSON text.
        case nested(nodeIndex: Int)
    }

    public var name: String
    public var kind: Kind
    public var nullable: Bool
    /// The schema tree node of the field.
    public var nodeIndex: Int

    public var arrowType: ArrowColumnType {
        switch kind {
        case .leaf(_, let conversion): conversion.arrowType
        case .nested: .utf8
        }
    }

    public var arrowField: ArrowField { ArrowField(name: name, type: arrowType, nullable: nullable) }

    /// The leaf columns the field needs read.
    func leaves(_ tree: ParquetSchemaTree) -> [Int] { tree.nodes[nodeIndex].leaves }
}
