import ETLArrow
@testable import ETLRuntimeCore
import XCTest

/// Builds small tables and runs transforms on them through `TransformPlan`, the code the
/// engine runs on every batch.
enum TransformFixture {
    static let path = "$.control_table[0].transforms[0]"
    /// 2024-03-15 13:45:30 UTC: the run's start for `now()` and `_loaded_at`.
    static let started: Int64 = 1_710_510_330_000_000

    static func table(_ columns: [(String, ArrowColumnType, [TransformValue])]) -> TransformTable {
        TransformTable(
            columns: columns.map { TransformColumn(name: $0.0, type: $0.1, values: $0.2) },
            rowCount: columns.first?.2.count ?? 0)
    }

    /// Runs `steps` (each at transforms[i]) on `table`.
    static func run(_ steps: [TransformStep], on table: TransformTable) throws -> (table: TransformTable, rejects: [SourceReject]) {
        let transforms = steps.enumerated().map { ManifestTransform(step: $1, jsonPath: "$.control_table[0].transforms[\($0)]", line: 1) }
        let plan = try TransformPlan(transforms, schema: table.schema, info: TransformRunInfo(runID: "run-1", startedMicros: started))
        let result = plan.apply(table)
        XCTAssertEqual(result.table.schema.fields.map(\.name), plan.outputSchema.fields.map(\.name))
        return result
    }

    /// The values `expression` gives on `table`, and its type.
    static func derive(_ expression: String, on table: TransformTable) throws -> (type: ArrowColumnType, values: [TransformValue]) {
        let result = try run([.derive([DerivedColumn(name: "out", expression: expression)])], on: table)
        let column = try XCTUnwrap(result.table.columns.last)
        return (column.type, column.values)
    }

    /// The message a transform mistake gives (nil when the steps are fine).
    static func mistake(_ steps: [TransformStep], on table: TransformTable) -> String? {
        do {
            _ = try run(steps, on: table)
            return nil
        } catch {
            return "\(error)"
        }
    }

    static func mistake(in expression: String, on table: TransformTable) -> String? {
        mistake([.derive([DerivedColumn(name: "out", expression: expression)])], on: table)
    }

    /// id int64, name text, amount double, day date, at timestamp: three rows, the third mostly null.
    static var orders: TransformTable { table([
        ("id", .int64, [.int(1), .int(2), .int(3)]),
        ("name", .utf8, [.text(" Ana "), .text("bob"), .null]),
        ("amount", .double, [.double(10.5), .double(2), .null]),
        ("day", .date32, [.date(19797), .date(19798), .null]),
        ("at", .timestampMicrosecondsUTC, [.timestamp(started), .timestamp(0), .null]),
    ]) }
}
