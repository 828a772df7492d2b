import ETLArrow
import ETLRuntimeCore
import TestSupport
import XCTest

/// What one read returned: the rows (each value as text), the state after the last batch, the
/// rejects, and how many batches there were.
struct ReadOutcome {
    var rows: [[String]]
    var state: String?
    var rejects: [SourceReject]
    var batches: [Int]
}

/// A database standing in for a production system, and a `sqlite` source reading it.
class SourceTestCase: XCTestCase {
    var folder: TemporaryDirectory!
    var path: String!
    var database: TestDatabase!

    override func setUpWithError() throws {
        folder = TemporaryDirectory("sqlite-source")
        path = folder.file("app.db")
        database = try TestDatabase(path)
    }

    override func tearDown() {
        database = nil
        folder = nil
    }

    /// A source over the test database with the given config members after "path".
    func makeSource(_ config: String) throws -> SourceInstance {
        try SQLitePlugins.source(path: path, config: config)
    }

    /// Reads a stream to its end, taking the checkpoint after every batch as the runtime does.
    func readAll(_ source: SourceInstance, stream: String, state: String? = nil, cursor: String? = nil,
                 initial: String? = nil, options: String? = nil, batchSize: Int = 1_000, maxRecords: Int = 0) throws -> ReadOutcome {
        let read = try source.read(ReadRequest(entryID: "entry", stream: stream, stateJSON: state, cursorField: cursor,
                                               initialValueJSON: initial, batchSize: Int64(batchSize), maxRecords: Int64(maxRecords),
                                               optionsJSON: options))
        var outcome = ReadOutcome(rows: [], state: try source.checkpoint(), rejects: [], batches: [])
        while let batch = try read.stream.next() {
            outcome.batches.append(batch.rowCount)
            for row in 0..<batch.rowCount {
                outcome.rows.append((0..<batch.schema.fields.count).map { Self.text(batch.column($0), row) })
            }
            outcome.state = try source.checkpoint()
        }
        outcome.rejects = source.context.takeRejects()
        return outcome
    }

    /// One value as text: "NULL", numbers in Swift's notation, bools as true/false, timestamps
    /// and dates as their integer counts.
    static func text(_ column: ImportedColumn, _ row: Int) -> String {
        if column.isNull(row) { return "NULL" }
        switch column.type {
        case .int64: return String(column.int64(row))
        case .double: return String(column.double(row))
        case .bool: return String(column.bool(row))
        case .utf8: return column.string(row)
        case .binary: return column.bytes(row).map { String($0) }.joined(separator: ",")
        case .timestampMicrosecondsUTC: return String(column.timestampMicroseconds(row))
        case .date32: return String(column.date32(row))
        case .decimal128: return column.decimal128(row).text
        case .null: return "NULL"
        }
    }
}
