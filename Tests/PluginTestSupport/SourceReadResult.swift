import ETLArrow
import ETLRuntimeCore

/// Everything a source produced for one read, as text, for plugin tests: the schema, each
/// batch's rows (nil for null), the checkpoint after each batch and the rejects.
package struct SourceReadResult {
    package var schema: ArrowSchemaDescription
    package var batches: [[[String?]]] = []
    package var checkpoints: [String?] = []
    package var rejects: [SourceReject] = []

    /// All rows, in order.
    package var rows: [[String?]] { batches.flatMap { $0 } }
    /// The checkpoint after the last batch (nil when there was no batch).
    package var lastCheckpoint: String? { checkpoints.last ?? nil }
    /// The rejects' positions ("file:line").
    package var rejectPositions: [String] { rejects.map(\.position) }
    /// The first column as integers (ids).
    package var ids: [Int] { rows.compactMap { $0.first.flatMap { $0 }.flatMap { Int($0) } } }

    /// A value as text: numbers and booleans as Swift prints them, timestamps as
    /// microseconds and dates as days since the epoch; nil for null.
    package static func render(_ column: ImportedColumn, _ row: Int) -> String? {
        if column.isNull(row) { return nil }
        switch column.type {
        case .int64: return String(column.int64(row))
        case .double: return String(column.double(row))
        case .bool: return String(column.bool(row))
        case .utf8, .binary: return column.string(row)
        case .timestampMicrosecondsUTC: return String(column.timestampMicroseconds(row))
        case .date32: return String(column.date32(row))
        case .decimal128: return column.decimal128(row).text
        case .null: return nil
        }
    }
}

extension SourceInstance {
    /// Reads `request`'s stream to its end, recording the checkpoint after every batch. Goes
    /// through the host's checks of each batch, as `etl-runtime run` does, so a failure reads as
    /// the runtime reports it ("plugin NAME: read failed (STATUS): ...").
    package func readAll(_ request: ReadRequest) throws -> SourceReadResult {
        let read = try self.read(request)
        let schema = try read.schema()
        var result = SourceReadResult(schema: schema)
        while let batch = try read.next() {
            result.batches.append((0..<batch.rowCount).map { row in
                (0..<schema.fields.count).map { SourceReadResult.render(batch.column($0), row) }
            })
            result.checkpoints.append(try checkpoint())
        }
        result.rejects = context.takeRejects()
        return result
    }
}

extension SourceReadResult {
    /// Each row's `_etl_position` (the last column, when the read asked for positions), in order.
    package var positions: [String?] {
        guard schema.fields.last?.name == ReadRequest.positionColumnName else { return [] }
        return rows.map { $0.last ?? nil }
    }

    /// The rows without their `_etl_position`.
    package var rowsWithoutPositions: [[String?]] {
        guard schema.fields.last?.name == ReadRequest.positionColumnName else { return rows }
        return rows.map { Array($0.dropLast()) }
    }
}

extension ReadRequest {
    /// The same request asking the source for each row's position (`"positions": true` added to
    /// its options), as the runtime sends it for an entry that loads `source_position`.
    package func askingForPositions() -> ReadRequest {
        var copy = self
        var members: [(String, JSONValue)] = []
        if let text = optionsJSON, case .object(let object)? = try? JSONValue(parsing: text) {
            members = object.members.map { ($0.key, $0.value) }
        }
        members.append((ReadRequest.positionsKey, .bool(true)))
        copy.optionsJSON = JSONValue.object(JSONObject(members)).serialized()
        return copy
    }
}
