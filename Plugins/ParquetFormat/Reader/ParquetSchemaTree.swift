/// The file's schema as a tree, with each node's maximum definition and repetition levels
/// (the number of optional-or-repeated and of repeated nodes from the root down to it), which
/// the Dremel encoding of nested data needs.
public struct ParquetSchemaTree: Sendable {
    /// One field or group.
    public struct Node: Sendable {
        public var element: ParquetSchemaElement
        public var name: String { element.name }
        public var repetition: ParquetRepetition
        /// Child node indices (empty for a leaf).
        public var children: [Int]
        public var maxDefinitionLevel: Int
        public var maxRepetitionLevel: Int
        /// The leaf's column index in each row group's `columns` (nil for groups).
        public var leafIndex: Int?
        /// The leaves under this node (itself for a leaf), in column order.
        public var leaves: [Int] = []
        /// Names from the top-level field down, for messages.
        public var path: [String]
        public var isLeaf: Bool { leafIndex != nil }
    }

    public private(set) var nodes: [Node] = []
    /// The root's children: the columns a reader sees.
    public private(set) var topLevel: [Int] = []
    /// Node index of each leaf column, in column order.
    public private(set) var leafNodes: [Int] = []

    /// Builds the tree from the footer's depth-first list.
    public init(_ elements: [ParquetSchemaElement]) throws(ParquetReadError) {
        guard let root = elements.first else { throw ParquetReadError(.corrupt, "the schema is empty") }
        var position = 1
        var rootNode = Node(element: root, repetition: .required, children: [], maxDefinitionLevel: 0, maxRepetitionLevel: 0, path: [])
        let count = Int(root.numChildren ?? 0)
        guard count >= 0, count < elements.count else {
            throw ParquetReadError(.corrupt, "the schema's root claims \(count) fields but the schema lists \(elements.count - 1)")
        }
        nodes.append(rootNode)
        for _ in 0..<count {
            let child = try build(elements, &position, parentDefinition: 0, parentRepetition: 0, parentPath: [], depth: 1)
            rootNode.children.append(child)
        }
        nodes[0].children = rootNode.children
        topLevel = rootNode.children
        guard position == elements.count else {
            throw ParquetReadError(.corrupt, "the schema lists \(elements.count) elements but its tree holds \(position)")
        }
        for index in topLevel { collectLeaves(index) }
    }

    private mutating func build(_ elements: [ParquetSchemaElement], _ position: inout Int, parentDefinition: Int, parentRepetition: Int,
                                parentPath: [String], depth: Int) throws(ParquetReadError) -> Int {
        guard position < elements.count else { throw ParquetReadError(.corrupt, "the schema's tree claims more elements than it lists") }
        guard depth < 100 else { throw ParquetReadError(.corrupt, "the schema nests deeper than 100 levels") }
        let element = elements[position]
        position += 1
        let repetition = element.repetition
        let definition = parentDefinition + (repetition == .required ? 0 : 1)
        let repetitionLevel = parentRepetition + (repetition == .repeated ? 1 : 0)
        let path = parentPath + [element.name]
        let index = nodes.count
        nodes.append(Node(element: element, repetition: repetition, children: [], maxDefinitionLevel: definition,
                          maxRepetitionLevel: repetitionLevel, path: path))
        if let children = element.numChildren, children > 0 || element.physicalType == nil {
            guard children >= 0, Int(children) < elements.count else {
                throw ParquetReadError(.corrupt, "schema field \(path.joined(separator: ".")) claims \(children) children")
            }
            var childIndices: [Int] = []
            for _ in 0..<Int(children) {
                childIndices.append(try build(elements, &position, parentDefinition: definition, parentRepetition: repetitionLevel,
                                              parentPath: path, depth: depth + 1))
            }
            nodes[index].children = childIndices
        } else {
            guard element.physicalType != nil else {
                throw ParquetReadError(.corrupt, "schema field \(path.joined(separator: ".")) has neither a type nor children")
            }
            nodes[index].leafIndex = leafNodes.count
            leafNodes.append(index)
        }
        return index
    }

    @discardableResult
    private mutating func collectLeaves(_ index: Int) -> [Int] {
        var leaves: [Int] = []
        if let leaf = nodes[index].leafIndex {
            leaves = [leaf]
        } else {
            for child in nodes[index].children { leaves += collectLeaves(child) }
        }
        nodes[index].leaves = leaves
        return leaves
    }
}
