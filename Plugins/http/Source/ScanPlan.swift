import ETLPluginKit

/// The JSON paths a byte scan captures, merged into a tree so one walk over a value finds all
/// of them: each node is a place in the value, its children the members and elements that lead
/// to a wanted path, its slots the captures that end there.
struct ScanPlan: Sendable {
    /// An object member name a path steps through, kept as bytes for the common ASCII compare.
    struct Key: Sendable {
        var text: String
        var bytes: [UInt8]
        var isASCII: Bool
    }

    /// One place in the scanned value.
    struct Node: Sendable {
        var keys: [(key: Key, child: Int)] = []
        var indexes: [(index: Int, child: Int)] = []
        /// Captures that take this place's value.
        var slots: [Int] = []
        /// True for the records array of a page (walked with the record plan, never captured).
        var isRecords = false
        var hasChildren: Bool { !keys.isEmpty || !indexes.isEmpty }
    }

    private(set) var nodes: [Node] = [Node()]
    /// The number of captures: one per path given, in order.
    let slotCount: Int
    /// The plan laid out flat for the scanner (rebuilt whenever `nodes` changes in an init).
    private(set) var table = ScanTable.empty

    /// A plan capturing `paths[i]` into slot `i`. Nil when a path has a wildcard or a filter:
    /// the scan follows member and index steps only (the tree path reads such streams).
    init?(paths: [JSONPathExpression]) {
        guard paths.allSatisfy(\.isDefinite) else { return nil }
        slotCount = paths.count
        for (slot, path) in paths.enumerated() {
            nodes[node(for: path)].slots.append(slot)
        }
        table = ScanTable(nodes)
    }

    /// A page plan: the records array at `records` (walked record by record), and `paths`
    /// captured in slots from the body. Nil when a path runs into or through the records,
    /// which the scan does not handle (the tree path then reads those pages).
    init?(records: JSONPathExpression, paths: [JSONPathExpression]) {
        guard records.isDefinite else { return nil }
        for path in paths {
            let shared = min(path.steps.count, records.steps.count)
            if Array(path.steps.prefix(shared)) == Array(records.steps.prefix(shared)) { return nil }
        }
        guard let plan = ScanPlan(paths: paths) else { return nil }
        self = plan
        nodes[node(for: records)].isRecords = true
        table = ScanTable(nodes)
    }

    /// The child of `node` reached by element `index`, if the plan goes there.
    @inline(__always)
    func child(of node: Int, index: Int) -> Int? {
        for entry in nodes[node].indexes where entry.index == index { return entry.child }
        return nil
    }

    private mutating func node(for path: JSONPathExpression) -> Int {
        var current = 0
        for step in path.steps {
            switch step {
            case .key(let name):
                if let found = nodes[current].keys.first(where: { $0.key.text == name }) {
                    current = found.child
                } else {
                    nodes.append(Node())
                    let bytes = Array(name.utf8)
                    nodes[current].keys.append((Key(text: name, bytes: bytes, isASCII: bytes.allSatisfy { $0 < 0x80 }), nodes.count - 1))
                    current = nodes.count - 1
                }
            case .index(let index):
                if let found = child(of: current, index: index) {
                    current = found
                } else {
                    nodes.append(Node())
                    nodes[current].indexes.append((index, nodes.count - 1))
                    current = nodes.count - 1
                }
            case .wildcard, .filter:
                preconditionFailure("a ScanPlan is made of definite paths only (its initializers check)")
            }
        }
        return current
    }
}
