import CETLPlugin
import ETLArrow
import ETLPluginKit
import Glibc
import XCTest

/// The example `jsonl` sink, loaded from its shared library and driven through the C ABI.
final class JSONLSinkTests: XCTestCase {
    private var side: HostSide!
    private var directory = ""

    private let people = ArrowSchemaDescription(fields: [ArrowField(name: "id", type: .int64), ArrowField(name: "name", type: .utf8)])

    override func setUpWithError() throws {
        TestHost.reset()
        side = try ExamplePluginLibrary.load()
        var template = Array("/tmp/jsonl-sink-test-XXXXXX".utf8CString)
        directory = String(cString: try XCTUnwrap(mkdtemp(&template)))
    }

    override func tearDown() {
        removeTree(directory)
    }

    /// Deletes a test folder and everything in it (no symlinks are ever created there).
    private func removeTree(_ path: String) {
        if let folder = opendir(path) {
            while let entry = readdir(folder) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
                guard name != "." && name != ".." else { continue }
                let child = path + "/" + name
                if entry.pointee.d_type == UInt8(DT_DIR) { removeTree(child) } else { unlink(child) }
            }
            closedir(folder)
        }
        rmdir(path)
    }

    private func sink(fsync: Bool = true) throws -> SinkHandle {
        try side.createSink("jsonl", config: #"{"directory": "\#(directory)", "fsync": \#(fsync)}"#).get()
    }

    private func contents(_ name: String) -> String? {
        guard let file = fopen(directory + "/" + name, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count == 0 { break }
            bytes.append(contentsOf: chunk[..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func files() -> [String] {
        guard let folder = opendir(directory) else { return [] }
        defer { closedir(folder) }
        var names: [String] = []
        while let entry = readdir(folder) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    private func load(_ ids: [Int64], mode: Int32, state: String? = nil, into sink: SinkHandle, target: String = "people") throws -> Int64 {
        if let failure = sink.begin(target: target, mode: etl_write_mode(mode), schema: people) { throw failure }
        if let failure = sink.write(try BatchFactory.makeBatch(people, rows: ids.map { [.int64($0), .text("p\($0)")] })) { throw failure }
        return try sink.commit(state: state).get()
    }

    func testReplaceWritesOneJSONObjectPerRowWithEveryColumnType() throws {
        let schema = ArrowSchemaDescription(fields: [
            ArrowField(name: "id", type: .int64), ArrowField(name: "name", type: .utf8), ArrowField(name: "score", type: .double),
            ArrowField(name: "ok", type: .bool), ArrowField(name: "blob", type: .binary),
            ArrowField(name: "at", type: .timestampMicrosecondsUTC), ArrowField(name: "day", type: .date32),
            ArrowField(name: "nothing", type: .null),
        ])
        let batch = try BatchFactory.makeBatch(schema, rows: [
            [.int64(1), .text("Zoë \"quoted\"\n\\ tab\t"), .double(1.5), .bool(true), .bytes([0x00, 0xFF, 0x10]),
             .timestamp(1_704_067_200_000_000), .date(19_782), .null],
            [.int64(.min), .null, .double(.nan), .bool(false), .bytes([]), .timestamp(-1), .date(-1), .null],
            [.int64(42), .text("😀\u{1}"), .double(1e-7), .null, .bytes([0x61]), .timestamp(1_704_067_200_123_456), .date(0), .null],
        ])
        let sink = try sink()
        XCTAssertNil(sink.begin(target: "everything", mode: etl_write_mode(ETL_WRITE_REPLACE), schema: schema))
        XCTAssertNil(sink.write(batch))
        XCTAssertEqual(try sink.commit(state: nil).get(), 3)
        sink.destroy()
        XCTAssertEqual(contents("everything.jsonl"), """
        {"id":1,"name":"Zoë \\"quoted\\"\\n\\\\ tab\\t","score":1.5,"ok":true,"blob":"AP8Q","at":"2024-01-01T00:00:00.000000Z","day":"2024-02-29","nothing":null}
        {"id":-9223372036854775808,"name":null,"score":null,"ok":false,"blob":"","at":"1969-12-31T23:59:59.999999Z","day":"1969-12-31","nothing":null}
        {"id":42,"name":"😀\\u0001","score":1e-07,"ok":null,"blob":"YQ==","at":"2024-01-01T00:00:00.123456Z","day":"1970-01-01","nothing":null}

        """)
    }

    func testDecimalsAreJSONNumbersWithTheirExactDigits() throws {
        let schema = ArrowSchemaDescription(fields: [ArrowField(name: "amount", type: .decimal128(precision: 38, scale: 2))])
        let batch = try BatchFactory.makeBatch(schema, rows: [[.decimal(1_234_567_890_123_456_789_012, scale: 2)], [.decimal(-50, scale: 2)], [.null]])
        let sink = try sink()
        XCTAssertNil(sink.begin(target: "amounts", mode: etl_write_mode(ETL_WRITE_REPLACE), schema: schema))
        XCTAssertNil(sink.write(batch))
        XCTAssertEqual(try sink.commit(state: nil).get(), 3)
        sink.destroy()
        XCTAssertEqual(contents("amounts.jsonl"), "{\"amount\":12345678901234567890.12}\n{\"amount\":-0.50}\n{\"amount\":null}\n")
    }

    func testNonFiniteDoublesAreReportedInTheLogAtCommit() throws {
        let schema = ArrowSchemaDescription(fields: [ArrowField(name: "x", type: .double)])
        let sink = try sink()
        XCTAssertNil(sink.begin(target: "x", mode: etl_write_mode(ETL_WRITE_REPLACE), schema: schema))
        XCTAssertNil(sink.write(try BatchFactory.makeBatch(schema, rows: [[.double(.infinity)], [.double(-.infinity)], [.double(2)]])))
        XCTAssertEqual(try sink.commit(state: nil).get(), 3)
        sink.destroy()
        XCTAssertEqual(contents("x.jsonl"), "{\"x\":null}\n{\"x\":null}\n{\"x\":2.0}\n")
        let warnings = TestHost.logLines.withLock { $0.filter { $0.level == Int32(ETL_LOG_WARNING) }.map(\.message) }
        XCTAssertEqual(warnings, ["target 'x': 2 NaN or infinite double value(s) were written as null, since JSON cannot express them"])
    }

    func testReplaceSwapsTheWholeFileAndLeavesNoTemporaryFile() throws {
        let sink = try sink()
        XCTAssertEqual(try load([1, 2, 3], mode: ETL_WRITE_REPLACE, into: sink), 3)
        XCTAssertEqual(try load([9], mode: ETL_WRITE_REPLACE, into: sink), 1)
        sink.destroy()
        XCTAssertEqual(contents("people.jsonl"), "{\"id\":9,\"name\":\"p9\"}\n")
        XCTAssertEqual(files(), [".etl_state", "people.jsonl"])
    }

    func testAppendTwiceAccumulatesTheLines() throws {
        let sink = try sink()
        XCTAssertEqual(try load([1, 2], mode: ETL_WRITE_APPEND, into: sink), 2)
        XCTAssertEqual(try load([3], mode: ETL_WRITE_APPEND, into: sink), 1)
        sink.destroy()
        XCTAssertEqual(contents("people.jsonl"), "{\"id\":1,\"name\":\"p1\"}\n{\"id\":2,\"name\":\"p2\"}\n{\"id\":3,\"name\":\"p3\"}\n")
        XCTAssertEqual(files(), [".etl_state", "people.jsonl"])
    }

    func testAppendWithoutFsyncWritesTheSameLines() throws {
        let sink = try sink(fsync: false)
        _ = try load([1], mode: ETL_WRITE_APPEND, into: sink)
        _ = try load([2], mode: ETL_WRITE_APPEND, into: sink)
        sink.destroy()
        XCTAssertEqual(contents("people.jsonl"), "{\"id\":1,\"name\":\"p1\"}\n{\"id\":2,\"name\":\"p2\"}\n")
    }

    func testCommittedStateIsReadBackByANewInstance() throws {
        let first = try sink()
        _ = try load([1], mode: ETL_WRITE_APPEND, state: #"{"offset": 17, "file": "a.csv"}"#, into: first)
        first.destroy()
        let second = try sink()
        XCTAssertEqual(try second.readState(entryID: "e1").get(), #"{"offset": 17, "file": "a.csv"}"#)
        XCTAssertEqual(try second.readState(entryID: "other").get(), .none)
        second.destroy()
        let record = try JSONValue(parsing: try XCTUnwrap(contents(".etl_state/e1.json")))
        XCTAssertEqual(record, ["entry_id": "e1", "run_id": "run-1", "target": "people",
                                "rows": 1, "state_json": .string(#"{"offset": 17, "file": "a.csv"}"#)])
    }

    func testCommitWithoutStateClearsTheEntrysState() throws {
        let sink = try sink()
        _ = try load([1], mode: ETL_WRITE_APPEND, state: "{\"offset\": 1}", into: sink)
        _ = try load([2], mode: ETL_WRITE_APPEND, state: nil, into: sink)
        XCTAssertEqual(try sink.readState(entryID: "e1").get(), .none)
        sink.destroy()
    }

    func testEntryIDsThatAreNotFileNamesGetSafeStateFiles() throws {
        let sink = try sink()
        XCTAssertNil(sink.begin(target: "people", mode: etl_write_mode(ETL_WRITE_APPEND), schema: people, entryID: "../crm/orders"))
        XCTAssertEqual(try sink.commit(state: "{}").get(), 0)
        XCTAssertEqual(try sink.readState(entryID: "../crm/orders").get(), "{}")
        sink.destroy()
        XCTAssertNotNil(contents(".etl_state/%2E.%2Fcrm%2Forders.json"))
    }

    func testAbortOfAReplaceLeavesTheTargetUntouched() throws {
        let sink = try sink()
        _ = try load([1], mode: ETL_WRITE_REPLACE, into: sink)
        XCTAssertNil(sink.begin(target: "people", mode: etl_write_mode(ETL_WRITE_REPLACE), schema: people))
        XCTAssertNil(sink.write(try BatchFactory.makeBatch(people, rows: [[.int64(2), .text("p2")]])))
        XCTAssertNil(sink.abort())
        sink.destroy()
        XCTAssertEqual(contents("people.jsonl"), "{\"id\":1,\"name\":\"p1\"}\n")
        XCTAssertEqual(files(), [".etl_state", "people.jsonl"])
    }

    func testAbortOfAnAppendLeavesTheTargetUntouched() throws {
        let sink = try sink()
        _ = try load([1], mode: ETL_WRITE_APPEND, into: sink)
        XCTAssertNil(sink.begin(target: "people", mode: etl_write_mode(ETL_WRITE_APPEND), schema: people))
        XCTAssertNil(sink.write(try BatchFactory.makeBatch(people, rows: [[.int64(2), .text("p2")]])))
        XCTAssertNil(sink.abort())
        sink.destroy()
        XCTAssertEqual(contents("people.jsonl"), "{\"id\":1,\"name\":\"p1\"}\n")
        XCTAssertEqual(files(), [".etl_state", "people.jsonl"])
    }

    func testDestroyWithAnOpenLoadDiscardsIt() throws {
        let sink = try sink()
        XCTAssertNil(sink.begin(target: "people", mode: etl_write_mode(ETL_WRITE_REPLACE), schema: people))
        XCTAssertNil(sink.write(try BatchFactory.makeBatch(people, rows: [[.int64(2), .text("p2")]])))
        sink.destroy()
        XCTAssertEqual(files(), [])
    }

    func testMergeIsRefusedWithAClearMessage() throws {
        let sink = try sink()
        let failure = sink.begin(target: "people", mode: etl_write_mode(ETL_WRITE_MERGE), schema: people, primaryKey: ["id"])
        XCTAssertEqual(failure?.status, ETL_UNSUPPORTED)
        XCTAssertEqual(failure?.message, "plugin 'jsonl' does not support write mode merge (it offers: append, replace); choose one of those modes for target 'people'")
        sink.destroy()
        XCTAssertEqual(files(), [])
    }

    func testTargetThatIsNotAFileNameIsRefused() throws {
        let sink = try sink()
        let failure = sink.begin(target: "../escape", mode: etl_write_mode(ETL_WRITE_REPLACE), schema: people)
        XCTAssertEqual(failure?.status, ETL_INVALID_CONFIG)
        XCTAssertEqual(failure?.message, "target '../escape' cannot be a file name: use a name without '/' that does not start with '.', e.g. \"orders\"")
        sink.destroy()
    }

    func testDuplicateColumnNamesAreRefused() throws {
        let sink = try sink()
        let schema = ArrowSchemaDescription(fields: [ArrowField(name: "a", type: .int64), ArrowField(name: "a", type: .utf8)])
        let failure = sink.begin(target: "t", mode: etl_write_mode(ETL_WRITE_REPLACE), schema: schema)
        XCTAssertEqual(failure?.status, ETL_INVALID_CONFIG)
        XCTAssertTrue(failure?.message.contains("column name 'a' appears twice") ?? false, failure?.message ?? "")
        sink.destroy()
    }

    func testInvalidUTF8InATextColumnIsBadDataAndWritesNothing() throws {
        let sink = try sink()
        XCTAssertNil(sink.begin(target: "people", mode: etl_write_mode(ETL_WRITE_REPLACE), schema: people))
        // Same buffers as utf8; only the declared type differs, as from a careless foreign producer.
        let asBinary = ArrowSchemaDescription(fields: [ArrowField(name: "id", type: .int64), ArrowField(name: "name", type: .binary)])
        let failure = sink.write(try BatchFactory.makeBatch(asBinary, rows: [[.int64(1), .bytes([0x61, 0xC3])]]))
        XCTAssertEqual(failure?.status, ETL_BAD_DATA)
        XCTAssertNil(sink.write(try BatchFactory.makeBatch(people, rows: [[.int64(2), .text("ok")]])))
        XCTAssertEqual(try sink.commit(state: nil).get(), 1)
        sink.destroy()
        XCTAssertEqual(contents("people.jsonl"), "{\"id\":2,\"name\":\"ok\"}\n")
    }

    func testCancelledHostStopsTheWrite() throws {
        let sink = try sink()
        XCTAssertNil(sink.begin(target: "people", mode: etl_write_mode(ETL_WRITE_REPLACE), schema: people))
        TestHost.cancelled.withLock { $0 = true }
        let failure = sink.write(try BatchFactory.makeBatch(people, rows: [[.int64(1), .text("p1")]]))
        XCTAssertEqual(failure?.status, ETL_CANCELLED)
        sink.destroy()
    }

    func testUnknownConfigKeyIsRefused() throws {
        guard case .failure(let failure) = try side.createSink("jsonl", config: #"{"directory": "/tmp", "fsnyc": false}"#) else {
            return XCTFail("create succeeded")
        }
        XCTAssertEqual(failure.status, ETL_INVALID_CONFIG)
        XCTAssertEqual(failure.message, #"config has unknown key "fsnyc"; the keys allowed are "directory", "fsync""#)
    }

    func testCheckCreatesAMissingDirectoryAndLeavesNoProbe() throws {
        let nested = directory + "/a/b"
        let sink = try side.createSink("jsonl", config: #"{"directory": "\#(nested)"}"#).get()
        XCTAssertNil(sink.check())
        sink.destroy()
        XCTAssertEqual(files(), ["a"])
        XCTAssertNotNil(opendir(nested).map { closedir($0) })
    }

    func testDescriptorPublishesAStrictConfigSchema() throws {
        let descriptor = try side.descriptor(named: "jsonl").pointee
        XCTAssertEqual(descriptor.capabilities, UInt64(ETL_CAP_APPEND) | UInt64(ETL_CAP_REPLACE))
        guard case .object(let schema) = try JSONValue(parsing: String(cString: descriptor.config_schema_json)) else {
            return XCTFail("schema is not an object")
        }
        XCTAssertEqual(schema["additionalProperties"], .bool(false))
        XCTAssertEqual(schema["required"], .array([.string("directory")]))
    }
}
