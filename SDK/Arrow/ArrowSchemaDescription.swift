import CETLPlugin

/// The columns of a batch: what a `"+s"` (struct) ArrowSchema with one child per
/// column describes, restricted to the types of ABI 1.
public struct ArrowSchemaDescription: Sendable, Hashable {
    /// The columns, in order.
    public var fields: [ArrowField]

    /// Creates a description from its columns.
    public init(fields: [ArrowField]) {
        self.fields = fields
    }

    /// Reads a struct schema (`"+s"`) whose children are the columns. The schema is
    /// only read; its owner still releases it.
    /// Throws `.unsupported` for a column format outside ABI 1 (naming the column
    /// and the format) and `.invalidArray` for a malformed structure.
    public init(importing schema: UnsafePointer<ArrowSchema>) throws(ArrowError) {
        let root = schema.pointee
        guard root.release != nil else {
            throw ArrowError(.invalidArray, "cannot read an ArrowSchema that was already released (its release callback is NULL)")
        }
        guard let rootFormat = root.format else {
            throw ArrowError(.invalidArray, "the batch schema has a NULL format; a batch schema must be a struct (\"+s\")")
        }
        let format = String(cString: rootFormat)
        guard format == "+s" else {
            throw ArrowError(.unsupported, "the batch schema has format \"\(format)\"; a batch must be a struct (\"+s\") with one child per column")
        }
        guard root.n_children >= 0 else {
            throw ArrowError(.invalidArray, "the batch schema has n_children = \(root.n_children); it must be 0 or more")
        }
        let count = Int(root.n_children)
        guard count == 0 || root.children != nil else {
            throw ArrowError(.invalidArray, "the batch schema has \(count) children but a NULL children pointer")
        }
        var fields: [ArrowField] = []
        fields.reserveCapacity(count)
        for index in 0..<count {
            guard let child = root.children[index] else {
                throw ArrowError(.invalidArray, "column \(index) of the batch schema is a NULL pointer")
            }
            fields.append(try Self.importField(child.pointee, index: index))
        }
        self.fields = fields
    }

    private static func importField(_ child: ArrowSchema, index: Int) throws(ArrowError) -> ArrowField {
        let name = child.name.map { String(cString: $0) } ?? ""
        let label = "column \(index) (\"\(name)\")"
        guard let formatPointer = child.format else {
            throw ArrowError(.invalidArray, "\(label) has a NULL format")
        }
        let format = String(cString: formatPointer)
        guard let type = ArrowColumnType(rawValue: format) else {
            var message = "\(label) has Arrow format \"\(format)\", which ABI 1 does not support"
            if let hint = ArrowColumnType.hint(forUnsupportedFormat: format) { message += "; \(hint)" }
            message += ". Supported formats: \(ArrowColumnType.supportedFormatList)"
            throw ArrowError(.unsupported, message)
        }
        guard child.dictionary == nil else {
            throw ArrowError(.unsupported, "\(label) is dictionary-encoded, which ABI 1 does not support; decode it to plain \(type.displayName) before exporting")
        }
        guard child.n_children == 0 else {
            throw ArrowError(.invalidArray, "\(label) of format \"\(format)\" has \(child.n_children) children; columns of ABI 1 have none")
        }
        return ArrowField(name: name, type: type, nullable: child.flags & Int64(ARROW_FLAG_NULLABLE) != 0,
                          extensionName: ArrowFieldMetadata.extensionName(in: child.metadata))
    }
}
