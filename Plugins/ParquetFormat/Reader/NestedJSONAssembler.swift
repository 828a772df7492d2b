/// Rebuilds one record of a nested field (struct, list, map, repeated field) from its leaves'
/// definition and repetition levels (the Dremel record assembly), as JSON text:
/// structs become objects, LIST-annotated groups and repeated fields arrays, MAP-annotated
/// groups objects keyed by the key's text.
struct NestedJSONAssembler {
    let tree: ParquetSchemaTree
    let leaves: [Int: LeafColumnData]
    let location: String

    /// Entry ranges of each leaf under the node being built, for one instance of it.
    typealias Ranges = [Int: Range<Int>]

    /// Appends the record of top-level `node` whose leaves' entries are `ranges`.
    func record(_ node: Int, _ ranges: Ranges, into output: inout String) throws(ParquetReadError) {
        try value(node, ranges, into: &output)
    }

    /// A node in its parent's context: a list for a repeated node, else one instance.
    private func value(_ index: Int, _ ranges: Ranges, into output: inout String) throws(ParquetReadError) {
        let node = tree.nodes[index]
        if node.repetition == .repeated {
            output += "["
            for (position, element) in try elements(index, ranges).enumerated() {
                if position > 0 { output += "," }
                try instance(index, element, into: &output)
            }
            output += "]"
            return
        }
        if node.repetition == .optional, definition(node, ranges) < node.maxDefinitionLevel {
            output += "null"
            return
        }
        try instance(index, ranges, into: &output)
    }

    /// One defined instance of a node.
    private func instance(_ index: Int, _ ranges: Ranges, into output: inout String) throws(ParquetReadError) {
        let node = tree.nodes[index]
        if let leaf = node.leafIndex {
            guard let data = leaves[leaf], let range = ranges[leaf] else { throw internalError() }
            let entry = range.lowerBound
            if data.definition(entry) < data.maxDefinition {
                output += "null"
            } else {
                try data.reader.json(data.valueIndex(entry), into: &output)
            }
            return
        }
        let annotation = node.element.logicalType
        let converted = node.element.convertedType
        let isList = annotation == .list || converted == .list
        let isMap = annotation == .map || converted == .map || converted == .mapKeyValue
        if (isList || isMap), node.children.count == 1, tree.nodes[node.children[0]].repetition == .repeated {
            let repeated = node.children[0]
            let repeatedNode = tree.nodes[repeated]
            let items = try elements(repeated, ranges)
            if isMap, repeatedNode.children.count == 2 {
                output += "{"
                for (position, item) in items.enumerated() {
                    if position > 0 { output += "," }
                    var key = ""
                    try value(repeatedNode.children[0], item, into: &key)
                    if key.hasPrefix("\"") { output += key } else { JSONTextWriter.quote(key, into: &output) }
                    output += ":"
                    try value(repeatedNode.children[1], item, into: &output)
                }
                output += "}"
                return
            }
            // LIST's three-level form wraps each element in a one-field group; the legacy
            // two-level forms (a group named "array" or "*_tuple", or a repeated leaf) do not.
            let unwrap = !repeatedNode.isLeaf && repeatedNode.children.count == 1
                && repeatedNode.name != "array" && !repeatedNode.name.hasSuffix("_tuple")
            output += "["
            for (position, item) in items.enumerated() {
                if position > 0 { output += "," }
                if unwrap { try value(repeatedNode.children[0], item, into: &output) } else { try instance(repeated, item, into: &output) }
            }
            output += "]"
            return
        }
        output += "{"
        for (position, child) in node.children.enumerated() {
            if position > 0 { output += "," }
            JSONTextWriter.quote(tree.nodes[child].name, into: &output)
            output += ":"
            try value(child, ranges, into: &output)
        }
        output += "}"
    }

    /// The instances of repeated node `index` within one instance of its parent: each leaf's
    /// entries split where a repetition level says a new element of this node starts.
    private func elements(_ index: Int, _ ranges: Ranges) throws(ParquetReadError) -> [Ranges] {
        let node = tree.nodes[index]
        if definition(node, ranges) < node.maxDefinitionLevel { return [] }
        var result: [Ranges] = []
        for (number, leaf) in node.leaves.enumerated() {
            guard let data = leaves[leaf], let range = ranges[leaf] else { throw internalError() }
            var element = 0
            var start = range.lowerBound
            var entry = range.lowerBound + 1
            func close(_ end: Int) throws(ParquetReadError) {
                if number == 0 {
                    result.append([leaf: start..<end])
                } else {
                    guard element < result.count else { throw misaligned(node) }
                    result[element][leaf] = start..<end
                }
                element += 1
            }
            while entry < range.upperBound {
                if data.repetition(entry) <= node.maxRepetitionLevel {
                    try close(entry)
                    start = entry
                }
                entry += 1
            }
            try close(range.upperBound)
            guard element == result.count else { throw misaligned(node) }
        }
        return result
    }

    private func definition(_ node: ParquetSchemaTree.Node, _ ranges: Ranges) -> Int {
        guard let leaf = node.leaves.first, let data = leaves[leaf], let range = ranges[leaf], !range.isEmpty else { return 0 }
        return data.definition(range.lowerBound)
    }

    private func misaligned(_ node: ParquetSchemaTree.Node) -> ParquetReadError {
        ParquetReadError(.corrupt, "\(location), column \"\(node.path.joined(separator: "."))\": its leaf columns disagree on how many elements a list holds")
    }

    private func internalError() -> ParquetReadError {
        ParquetReadError(.corrupt, "\(location): a nested field's leaf column was not read")
    }
}
