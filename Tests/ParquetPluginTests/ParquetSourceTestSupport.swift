import ETLArrow
import ETLRuntimeCore
import Foundation
import PluginTestSupport
import TestSupport
import XCTest

/// Drives the built `libetl_parquet.so` the way `etl-runtime run` does: loaded with the
/// runtime's loader, created and read through its `SourceInstance` wrappers.
enum ParquetTestSource {
    static func plugin() throws -> LoadedPlugin {
        let path = TestPaths.buildDirectory + "/libetl_parquet.so"
        let library = try PluginLibraryLoader.load(path).get()
        return try XCTUnwrap(library.plugins.first { $0.info.name == "parquet" && $0.info.kind == .source }, "libetl_parquet.so has no parquet source")
    }

    static func make(_ config: [String: Any], entry: String = "test_entry") throws -> SourceInstance {
        let json = String(decoding: try JSONSerialization.data(withJSONObject: config, options: [.sortedKeys]), as: UTF8.self)
        return try SourceInstance(plugin: try plugin(), configJSON: json, entryID: entry)
    }

    static func request(stream: String, state: String? = nil, cursor: String? = nil, initialValue: String? = nil,
                        batchSize: Int = 10_000, maxRecords: Int = 0) -> ReadRequest {
        ReadRequest(entryID: "test_entry", stream: stream, stateJSON: state, cursorField: cursor, initialValueJSON: initialValue,
                    batchSize: Int64(batchSize), maxBatchBytes: 0, maxRecords: Int64(maxRecords))
    }
}

/// A value as the tests compare it: what Python printed for the file, and what we read.
enum ParquetTestValue: Equatable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    /// utf8 text, decimals' exact digits, binary as lowercase hex.
    case text(String)
    /// Nested values: the parsed JSON, compared structurally.
    case json(NSObject)

    static func == (left: ParquetTestValue, right: ParquetTestValue) -> Bool {
        switch (left, right) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.int(let a), .int(let b)): a == b
        case (.double(let a), .double(let b)): a == b || (a.isNaN && b.isNaN)
        case (.text(let a), .text(let b)): a == b
        case (.json(let a), .json(let b)): a.isEqual(b)
        default: false
        }
    }

    var description: String {
        switch self {
        case .null: "null"
        case .bool(let value): String(value)
        case .int(let value): String(value)
        case .double(let value): String(value)
        case .text(let value): "\"\(value)\""
        case .json(let value): "json(\(value))"
        }
    }
}

/// One column of an expected file: its name, the ABI type we must load it as ("json" for
/// nested fields, which load as utf8 JSON text), and its values.
struct ExpectedParquetColumn {
    var name: String
    var type: String
    var values: [ParquetTestValue]
}

/// A file Python wrote and the values it holds, as Python computed them.
struct ExpectedParquetFile {
    var name: String
    var path: String
    var columns: [ExpectedParquetColumn]
    /// The encodings and codec of each top-level column's chunks, as the file's metadata says.
    var encodings: [String: Set<String>]
    /// The physical type of each top-level column's (last) leaf.
    var physicalTypes: [String: String]
}

/// What our source read from a file.
struct ParquetReadOutcome {
    var schema: ArrowSchemaDescription
    var columns: [[ParquetTestValue]]
    var batchCount: Int
    var checkpoints: [String?]
}

enum ParquetFixtures {
    /// Runs `script` (after the shared prelude) with a folder for its files and decodes the
    /// cases it printed.
    static func generate(_ script: String, in folder: TemporaryDirectory) throws -> [String: ExpectedParquetFile] {
        let output = try ProjectPython.run(ParquetSourceFixtureScripts.prelude + "\n" + script + "\nfinish()\n", [folder.path])
        let cases = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(output.utf8), options: [.fragmentsAllowed]) as? [[String: Any]])
        var files: [String: ExpectedParquetFile] = [:]
        for item in cases {
            let name = try XCTUnwrap(item["name"] as? String)
            let columns = try XCTUnwrap(item["columns"] as? [[String: Any]]).map { column -> ExpectedParquetColumn in
                let type = column["type"] as! String
                let values = (column["values"] as! [Any]).map { expectedValue($0, type: type) }
                return ExpectedParquetColumn(name: column["name"] as! String, type: type, values: values)
            }
            let encodings = try XCTUnwrap(item["encodings"] as? [String: [String]]).mapValues(Set.init)
            files[name] = ExpectedParquetFile(name: name, path: try XCTUnwrap(item["path"] as? String), columns: columns, encodings: encodings,
                                              physicalTypes: try XCTUnwrap(item["physical"] as? [String: String]))
        }
        return files
    }

    private static func expectedValue(_ value: Any, type: String) -> ParquetTestValue {
        if value is NSNull { return .null }
        switch type {
        case "bool": return .bool((value as! NSNumber).boolValue)
        case "int64", "timestamp[us, UTC]", "date32": return .int((value as! NSNumber).int64Value)
        case "double":
            if let text = value as? String { return .double(Double(text)!) }
            return .double((value as! NSNumber).doubleValue)
        case "json": return .json(value as! NSObject)
        default: return .text(value as! String)
        }
    }

    /// Reads `config`'s stream to its end through the plugin.
    static func read(_ config: [String: Any], stream: String, batchSize: Int = 10_000, cursor: String? = nil, state: String? = nil,
                     initialValue: String? = nil, maxRecords: Int = 0) throws -> ParquetReadOutcome {
        let source = try ParquetTestSource.make(config)
        let read = try source.read(ParquetTestSource.request(stream: stream, state: state, cursor: cursor, initialValue: initialValue,
                                                             batchSize: batchSize, maxRecords: maxRecords))
        let schema = try read.schema()
        var outcome = ParquetReadOutcome(schema: schema, columns: Array(repeating: [], count: schema.fields.count), batchCount: 0, checkpoints: [])
        while let batch = try read.next() {
            outcome.batchCount += 1
            for index in 0..<schema.fields.count {
                let column = batch.column(index)
                for row in 0..<batch.rowCount { outcome.columns[index].append(value(column, row)) }
            }
            outcome.checkpoints.append(try source.checkpoint())
        }
        return outcome
    }

    private static func value(_ column: ImportedColumn, _ row: Int) -> ParquetTestValue {
        if column.isNull(row) { return .null }
        switch column.type {
        case .bool: return .bool(column.bool(row))
        case .int64: return .int(column.int64(row))
        case .double: return .double(column.double(row))
        case .utf8: return .text(column.string(row))
        case .binary: return .text(column.bytes(row).map { String(format: "%02x", $0) }.joined())
        case .timestampMicrosecondsUTC: return .int(column.timestampMicroseconds(row))
        case .date32: return .int(Int64(column.date32(row)))
        case .decimal128: return .text(column.decimal128(row).text)
        case .null: return .null
        }
    }

    /// Asserts that reading `file` yields exactly Python's columns, types and values.
    static func assertReadsExactly(_ file: ExpectedParquetFile, batchSize: Int = 10_000, extra: [String: Any] = [:],
                                   line: UInt = #line) throws {
        var config: [String: Any] = ["path": file.path]
        config.merge(extra) { $1 }
        let stream = ((file.path as NSString).lastPathComponent as NSString).deletingPathExtension
        let outcome = try read(config, stream: stream, batchSize: batchSize)
        XCTAssertEqual(outcome.schema.fields.map(\.name), file.columns.map(\.name), "\(file.name): column names", line: line)
        for (index, expected) in file.columns.enumerated() where index < outcome.schema.fields.count {
            let actualType = outcome.schema.fields[index].type
            let wantedType = expected.type == "json" ? "utf8" : expected.type
            XCTAssertEqual(actualType.displayName, wantedType, "\(file.name): type of \(expected.name)", line: line)
            var actual = outcome.columns[index]
            if expected.type == "json" {
                actual = actual.map { value in
                    guard case .text(let text) = value else { return value }
                    guard let parsed = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) as? NSObject else {
                        return .text("not JSON: " + text)
                    }
                    return .json(parsed)
                }
            }
            XCTAssertEqual(actual.count, expected.values.count, "\(file.name): rows of \(expected.name)", line: line)
            for (row, (got, wanted)) in zip(actual, expected.values).enumerated() where got != wanted {
                XCTFail("\(file.name): \(expected.name) row \(row): read \(got), Python says \(wanted)", line: line)
                break
            }
        }
    }
}
