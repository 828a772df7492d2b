import CETLPlugin
import ETLArrow
import ETLRuntimeCore
import Foundation
import TestSupport
import XCTest

// THROWAWAY: measures the sink's insert speed; removed before hand-off.
final class ThroughputProbe: XCTestCase {
    func testProbeInsertSpeed() throws {
        guard ProcessInfo.processInfo.environment["ETL_SQLITE_PROBE"] != nil else { return }
        let rowsTotal = Int(ProcessInfo.processInfo.environment["ETL_SQLITE_PROBE"]!) ?? 1_000_000
        let folder = TemporaryDirectory("probe")
        let path = folder.file("w.db")
        let schema = Batches.schema([
            ("age", .int64), ("workclass", .utf8), ("fnlwgt", .int64), ("education", .utf8), ("education_num", .int64),
            ("marital_status", .utf8), ("occupation", .utf8), ("relationship", .utf8), ("race", .utf8), ("sex", .utf8),
            ("capital_gain", .int64), ("capital_loss", .int64), ("hours_per_week", .int64), ("native_country", .utf8),
            ("income", .utf8),
        ])
        let texts = ["State-gov", "Bachelors", "Never-married", "Adm-clerical", "Not-in-family", "White", "Male", "United-States", "<=50K", "Self-emp-not-inc", "Husband", "Exec-managerial"]
        var batches: [ImportedRecordBatch] = []
        let perBatch = 10_000
        var row = 0
        while row < rowsTotal {
            let builder = RecordBatchBuilder(schema: schema, capacity: perBatch)
            for r in row..<min(row + perBatch, rowsTotal) {
                for column in 0..<15 {
                    switch schema.fields[column].type {
                    case .int64: try builder.append(int64: Int64((r * 7 + column * 13) % 100_000), column: column)
                    default:
                        if (r + column) % 50 == 0 { try builder.appendNull(column: column) }
                        else { try builder.append(string: texts[(r + column) % texts.count], column: column) }
                    }
                }
            }
            var array = ArrowArray()
            try builder.finish(into: &array)
            batches.append(try ImportedRecordBatch(taking: &array, schema: schema))
            row += perBatch
        }
        if let pageSize = ProcessInfo.processInfo.environment["ETL_SQLITE_PROBE_PAGE"] {
            let db = try TestDatabase(path)
            try db.execute("PRAGMA page_size = \(pageSize); CREATE TABLE x(a); DROP TABLE x;")
        }
        let sink = try SQLitePlugins.sink(path: path, extraConfig: ProcessInfo.processInfo.environment["ETL_SQLITE_PROBE_CONFIG"] ?? "")
        let start = Date()
        try sink.begin(LoadRequest(entryID: "probe", runID: "r", target: "adult", writeMode: .replace, schema: schema))
        for batch in batches { try sink.write(batch) }
        print("PROBE writes done seconds=\(Date().timeIntervalSince(start))")
        let rows = try sink.commit(stateJSON: "{}")
        let seconds = Date().timeIntervalSince(start)
        print("PROBE rows=\(rows) seconds=\(seconds) rows/s=\(Double(rows) / seconds)")
        print("PROBE size=\((try? FileManager.default.attributesOfItem(atPath: path)[.size]) ?? 0) wal=\((try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size]) ?? 0)")
        let again = Date()
        try sink.begin(LoadRequest(entryID: "probe", runID: "r", target: "adult", writeMode: .append, schema: schema))
        _ = try sink.commit(stateJSON: "{}")
        print("PROBE empty load seconds=\(Date().timeIntervalSince(again))")
    }
}
