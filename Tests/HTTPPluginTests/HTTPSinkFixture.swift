import CETLPlugin
import ETLArrow
import ETLRuntimeCore

/// Records of (id, list_id, name) for the http sink tests, and one load of them.
enum HTTPSinkFixture {
    static let schema = ArrowSchemaDescription(fields: [
        ArrowField(name: "id", type: .int64), ArrowField(name: "list_id", type: .int64), ArrowField(name: "name", type: .utf8),
    ])

    /// A batch of (id, list_id, name) rows.
    static func batch(_ rows: [(Int64, Int64, String)]) throws -> ImportedRecordBatch {
        let builder = RecordBatchBuilder(schema: schema)
        for row in rows {
            try builder.append(int64: row.0, column: 0)
            try builder.append(int64: row.1, column: 1)
            try builder.append(string: row.2, column: 2)
        }
        let array = UnsafeMutablePointer<ArrowArray>.allocate(capacity: 1)
        defer { array.deallocate() }
        try builder.finish(into: array)
        return try ImportedRecordBatch(taking: array, schema: schema)
    }

    /// Opens a load of the entry `history` with the host's load options.
    static func begin(_ sink: SinkInstance, options: String? = nil) throws {
        try sink.begin(LoadRequest(entryID: "history", runID: "run-1", target: "history", writeMode: .append, primaryKey: [],
                                   schema: schema, optionsJSON: options))
    }

    /// One whole load: begin, write `rows`, commit with `state`.
    static func load(_ sink: SinkInstance, _ rows: [(Int64, Int64, String)], state: String? = nil) throws -> Int64 {
        try begin(sink)
        try sink.write(try batch(rows))
        return try sink.commit(stateJSON: state)
    }
}
