import ETLArrow
import ETLRuntimeCore
import PostgresTestSupport
import TestSupport
import XCTest

/// What one read returned: the rows (each value as text), the state after the last batch, the
/// rejects, and each batch's row count.
struct PostgresReadOutcome {
    var rows: [[String]]
    var state: String?
    var rejects: [SourceReject]
    var batches: [Int]
    var schema: ArrowSchemaDescription?
}

/// A fresh database per test standing in for the production system, and `postgres` sources
/// reading it.
class PostgresSourceTestCase: XCTestCase {
    var database: PostgresTestDatabase!

    override func setUpWithError() throws {
        database = try PostgresTestDatabase()
    }

    override func tearDown() {
        database = nil
    }

    static func sourcePlugin() throws -> LoadedPlugin {
        let library = try PluginLibraryLoader.load(PostgresPlugins.libraryPath).get()
        return try XCTUnwrap(library.plugins.first { $0.info.name == "postgres" && $0.info.kind == .source },
                             "no postgres source in \(PostgresPlugins.libraryPath)")
    }

    /// A source on the test's database with extra config members (", \"table\": \"orders\"").
    func makeSource(_ extra: String = "") throws -> SourceInstance {
        try SourceInstance(plugin: try Self.sourcePlugin(), configJSON: database.sinkConfig(extra), entryID: "entry")
    }

    /// Reads a stream to its end, taking the checkpoint after every batch as the runtime does;
    /// `between` runs after the first batch.
    func readAll(_ source: SourceInstance, stream: String, state: String? = nil, cursor: String? = nil,
                 initial: String? = nil, options: String? = nil, batchSize: Int = 1_000, maxRecords: Int = 0, maxBatchBytes: Int = 0,
                 between: (() throws -> Void)? = nil) throws -> PostgresReadOutcome {
        let read = try source.read(ReadRequest(entryID: "entry", stream: stream, stateJSON: state, cursorField: cursor,
                                               initialValueJSON: initial, batchSize: Int64(batchSize), maxBatchBytes: Int64(maxBatchBytes), maxRecords: Int64(maxRecords),
                                               optionsJSON: options))
        var outcome = PostgresReadOutcome(rows: [], state: try source.checkpoint(), rejects: [], batches: [])
        while let batch = try read.stream.next() {
            outcome.schema = batch.schema
            outcome.batches.append(batch.rowCount)
            for row in 0..<batch.rowCount {
                outcome.rows.append((0..<batch.schema.fields.count).map { Self.text(batch.column($0), row) })
            }
            outcome.state = try source.checkpoint()
            if outcome.batches.count == 1 { try between?() }
        }
        outcome.rejects = source.context.takeRejects()
        return outcome
    }

    /// One value as text: "NULL", numbers in Swift's notation, bools as true/false, binary as
    /// byte lists, timestamps and dates as their integer counts, decimals exactly.
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

    func execute(_ sql: String) throws { try database.connection.execute(sql) }
}
