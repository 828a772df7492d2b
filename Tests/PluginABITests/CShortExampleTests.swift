import CETLPlugin
import ETLArrow
import ETLRuntimeCore
import Foundation
import TestSupport
import XCTest

/// The SDK's short C example (SDK/examples/c-short), built with `cc` alone and driven through the
/// runtime's plugin wrappers: the corners `etl-runtime run` does not reach in SDKExampleRunTests.
final class CShortExampleTests: XCTestCase {
    private var fixtures: FixturePlugins!
    private var library: PluginLibrary!

    override func setUpWithError() throws {
        fixtures = FixturePlugins()
        let output = fixtures.folder.file("libetl_short_c.so")
        try CCompiler.sharedLibrary("SDK/examples/c-short/etl_short.c", output: output)
        library = try PluginLibraryLoader.load(output).get()
    }

    private func plugin(_ name: String) throws -> LoadedPlugin {
        try XCTUnwrap(library.plugins.first { $0.info.name == name })
    }

    private func numbers(_ state: String?) throws -> [Int64] {
        let source = try SourceInstance(plugin: try plugin("sequence"), configJSON: #"{"count": 3}"#, entryID: "e")
        let read = try source.read(ReadRequest(entryID: "e", stream: "sequence", stateJSON: state, batchSize: 2))
        var values: [Int64] = []
        while let batch = try read.stream.next() { values += (0..<batch.rowCount).map { batch.column(0).int64($0) } }
        return values
    }

    func testSequenceTakesAJSONNullStateAsAFreshStart() throws {
        XCTAssertEqual(try numbers(nil), [1, 2, 3])
        XCTAssertEqual(try numbers("null"), [1, 2, 3], "`etl-runtime state set ENTRY null` stores the JSON null")
        XCTAssertEqual(try numbers(#"{"next": 3}"#), [3])
    }

    func testSequenceRefusesAStateItDidNotWriteNamingTheKey() throws {
        XCTAssertThrowsError(try numbers(#"{"next": "three"}"#)) { error in
            XCTAssertTrue("\(error)".contains("$.next: expected an integer, found a string"), "\(error)")
        }
    }

    private func batch(_ values: [Int64], schema: ArrowSchemaDescription) throws -> ImportedRecordBatch {
        let builder = RecordBatchBuilder(schema: schema)
        for value in values {
            try builder.append(int64: value, column: 0)
            try Array("v\(value)".utf8).withUnsafeBytes { try builder.append(utf8: $0, column: 1) }
        }
        let array = UnsafeMutablePointer<ArrowArray>.allocate(capacity: 1)
        defer { array.deallocate() }
        try builder.finish(into: array)
        return try ImportedRecordBatch(taking: array, schema: schema)
    }

    func testTsvFileAbortCutsTheFileBackToWhatItWasAtBegin() throws {
        let path = fixtures.folder.file("rows.tsv")
        let schema = ArrowSchemaDescription(fields: [ArrowField(name: "n", type: .int64), ArrowField(name: "text", type: .utf8)])
        let sink = try SinkInstance(plugin: try plugin("tsv_file"), configJSON: #"{"path": "\#(path)"}"#, entryID: "e")
        let load = LoadRequest(entryID: "e", runID: "r", target: "rows", writeMode: .append, schema: schema)
        try sink.begin(load)
        try sink.write(try batch([1, 2], schema: schema))
        XCTAssertEqual(try sink.commit(stateJSON: #"{"next": 3}"#), 2)
        try sink.begin(load)
        try sink.write(try batch([3], schema: schema))
        try sink.abort()
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "1\tv1\n2\tv2\n")
        XCTAssertEqual(try sink.readState(entryID: "e"), #"{"next": 3}"#)
    }

    func testTsvFileRefusesAColumnTypeItCannotWriteAtBegin() throws {
        let schema = ArrowSchemaDescription(fields: [ArrowField(name: "score", type: .double)])
        let sink = try SinkInstance(
            plugin: try plugin("tsv_file"), configJSON: #"{"path": "\#(fixtures.folder.file("x.tsv"))"}"#, entryID: "e")
        XCTAssertThrowsError(try sink.begin(LoadRequest(entryID: "e", runID: "r", target: "x", writeMode: .append, schema: schema))) {
            error in
            XCTAssertEqual((error as? PluginCallError)?.status, ETL_UNSUPPORTED)
            XCTAssertTrue("\(error)".contains("tsv_file: writes int64 and utf8 columns only"), "\(error)")
        }
    }
}
