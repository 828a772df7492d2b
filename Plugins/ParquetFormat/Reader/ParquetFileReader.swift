import ETLArrow

/// A Parquet file opened for reading: its footer decoded, its top-level fields mapped to Arrow
/// types, and its row groups read one at a time, only the columns asked for.
public final class ParquetFileReader {
    public let file: any ParquetByteSource
    public let metadata: ParquetFileMetaData
    public let tree: ParquetSchemaTree
    /// Every top-level field, in schema order.
    public let fields: [ParquetOutputField]

    public init(_ file: any ParquetByteSource) throws(ParquetReadError) {
        self.file = file
        metadata = try ParquetFooter.read(file)
        do throws(ParquetReadError) {
            tree = try ParquetSchemaTree(metadata.schema)
            var fields: [ParquetOutputField] = []
            for index in tree.topLevel {
                let node = tree.nodes[index]
                let kind: ParquetOutputField.Kind
                if let leaf = node.leafIndex, node.repetition != .repeated {
                    kind = .leaf(leafIndex: leaf, conversion: try LeafConversion.of(node.element, path: "\"\(node.name)\""))
                } else {
                    for leaf in node.leaves {
                        let leafNode = tree.nodes[tree.leafNodes[leaf]]
                        _ = try LeafConversion.of(leafNode.element, path: "\"\(leafNode.path.joined(separator: "."))\"")
                    }
                    kind = .nested(nodeIndex: index)
                }
                fields.append(ParquetOutputField(name: node.name, kind: kind, nullable: node.repetition != .required, nodeIndex: index))
            }
            self.fields = fields
            for (number, group) in metadata.rowGroups.enumerated() where group.columns.count != tree.leafNodes.count {
                throw ParquetReadError(.corrupt, "row group \(number) has \(group.columns.count) column chunks but the schema has \(tree.leafNodes.count) columns")
            }
        } catch {
            throw error.located(file.name)
        }
    }

    /// Row groups in the file.
    public var rowGroupCount: Int { metadata.rowGroups.count }

    /// Rows of row group `index`.
    public func rowCount(ofRowGroup index: Int) -> Int { Int(metadata.rowGroups[index].numRows) }

    /// Prepares row group `index` for reading `fields`: flat columns are read page by page as
    /// rows are taken, nested ones decoded whole now. Errors name the file, the row group and
    /// the column.
    public func readRowGroup(_ index: Int, fields: [ParquetOutputField]) throws(ParquetReadError) -> DecodedRowGroup {
        let group = metadata.rowGroups[index]
        let location = "\(file.name), row group \(index)"
        var streams: [ColumnPageStream?] = []
        var leaves: [Int: LeafColumnData] = [:]
        for field in fields {
            switch field.kind {
            case .leaf(let leaf, let conversion):
                let node = tree.nodes[tree.leafNodes[leaf]]
                streams.append(try ColumnPageStream(file, chunk: group.columns[leaf], node: node, conversion: conversion,
                                                    location: "\(location), column \"\(node.path.joined(separator: "."))\""))
            case .nested:
                streams.append(nil)
                for leaf in field.leaves(tree) where leaves[leaf] == nil {
                    let node = tree.nodes[tree.leafNodes[leaf]]
                    let name = node.path.joined(separator: ".")
                    do throws(ParquetReadError) {
                        let chunk = try ColumnChunkReader.read(file, chunk: group.columns[leaf], node: node)
                        let conversion = try LeafConversion.of(node.element, path: "\"\(name)\"")
                        leaves[leaf] = LeafColumnData(chunk: chunk, maxDefinition: node.maxDefinitionLevel, maxRepetition: node.maxRepetitionLevel,
                                                      reader: LeafValueReader(conversion: conversion, values: chunk.values, path: "\"\(name)\""))
                    } catch {
                        throw error.located("\(location), column \"\(name)\"")
                    }
                }
            }
        }
        return DecodedRowGroup(tree: tree, fields: fields, streams: streams, leaves: leaves, rowCount: Int(group.numRows), location: location)
    }

    /// The smallest and largest value of a flat field in row group `index`, from the column
    /// chunk's statistics; nil when the writer left them out or they cannot be trusted for
    /// ordering (legacy min/max of byte arrays and unsigned integers used signed byte order).
    public func statistics(of field: ParquetOutputField, rowGroup index: Int) -> (min: ParquetComparable, max: ParquetComparable)? {
        guard case .leaf(let leaf, let conversion) = field.kind,
              let meta = metadata.rowGroups[index].columns[leaf].metaData, let stats = meta.statistics else { return nil }
        let node = tree.nodes[tree.leafNodes[leaf]]
        guard let type = node.element.physicalType else { return nil }
        var minBytes = stats.minValue, maxBytes = stats.maxValue
        if minBytes == nil || maxBytes == nil {
            let signedOrder: Bool
            switch conversion {
            case .int32, .int64, .float, .double, .date, .timestamp: signedOrder = true
            default: signedOrder = false
            }
            guard signedOrder else { return nil }
            minBytes = stats.legacyMin
            maxBytes = stats.legacyMax
        }
        guard let minBytes, let maxBytes else { return nil }
        func decode(_ bytes: [UInt8]) -> ParquetComparable? {
            var values = ParquetValues.empty(type)
            // Statistics hold the bare value; PLAIN byte arrays carry a length first.
            var cursor = ByteCursor(type == .byteArray ? Self.lengthPrefixed(bytes) : bytes)
            do throws(ParquetReadError) {
                try PlainDecoder.decode(&cursor, type: type, typeLength: Int(node.element.typeLength ?? 0), count: 1, into: &values)
                return LeafValueReader(conversion: conversion, values: values, path: node.name).comparable(0)
            } catch {
                return nil
            }
        }
        guard let low = decode(minBytes), let high = decode(maxBytes) else { return nil }
        return (low, high)
    }

    private static func lengthPrefixed(_ bytes: [UInt8]) -> [UInt8] {
        let count = UInt32(bytes.count)
        return [UInt8(count & 0xFF), UInt8(count >> 8 & 0xFF), UInt8(count >> 16 & 0xFF), UInt8(count >> 24)] + bytes
    }
}
