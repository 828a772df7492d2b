import CETLPlugin
import ETLArrow
import ETLPluginKit
import XCTest

/// The kit's `etl_sink_api`, driven as the runtime drives it.
final class SinkBridgeTests: XCTestCase {
    private let schema = ArrowSchemaDescription(fields: [ArrowField(name: "id", type: .int64), ArrowField(name: "name", type: .utf8)])
    private var side: HostSide!

    override func setUpWithError() throws {
        TestHost.reset()
        Journal.reset()
        BatchFactory.releaseCount.withLock { $0 = 0 }
        RecordingSink.committedStates.withLock { $0 = [:] }
        let (status, library, error) = callEntry(host: TestHost.api.pointer, plugins: [.sink(RecordingSink.self), .sink(SQLSink.self)])
        XCTAssertEqual(status, ETL_OK, error.message)
        side = HostSide(library: try XCTUnwrap(library), host: TestHost.api.pointer)
    }

    private func sink(_ config: String = "{}") throws -> SinkHandle {
        try side.createSink("recording", config: config).get()
    }

    private func batch(_ ids: [Int64]) throws -> UnsafeMutablePointer<ArrowArray> {
        try BatchFactory.makeBatch(schema, rows: ids.map { [.int64($0), .text("n\($0)")] })
    }

    func testLoadRunsCreateBeginWriteCommitReadStateDestroyInOrder() throws {
        let sink = try sink()
        XCTAssertNil(sink.begin(target: "people", mode: etl_write_mode(ETL_WRITE_APPEND), schema: schema, primaryKey: ["id"]))
        XCTAssertNil(sink.write(try batch([1, 2, 3])))
        XCTAssertNil(sink.write(try batch([4, 5])))
        XCTAssertEqual(try sink.commit(state: #"{"offset": 5}"#).get(), 5)
        XCTAssertEqual(try sink.readState(entryID: "e1").get(), #"{"offset": 5}"#)
        sink.destroy()
        XCTAssertEqual(Journal.all, [
            "create", "begin e1 run-1 people append [id] id:l,name:u", "write 3 first=1", "write 2 first=4",
            #"commit {"offset": 5}"#, "destroy",
        ])
    }

    func testReadStateOfAnEntryWithoutStateIsNull() throws {
        let sink = try sink()
        XCTAssertEqual(try sink.readState(entryID: "never-loaded").get(), .none)
        sink.destroy()
    }

    func testReadStateTextStaysValidUntilTheNextCall() throws {
        RecordingSink.committedStates.withLock { $0["e1"] = "first state" }
        let sink = try sink()
        let pointer = try XCTUnwrap(sink.readStatePointer(entryID: "e1"))
        XCTAssertNil(sink.check())  // an unrelated call must not free it either
        XCTAssertEqual(String(cString: pointer), "first state")
        sink.destroy()
    }

    func testCommitWithNullStateReachesTheSinkAsNil() throws {
        let sink = try sink()
        XCTAssertNil(sink.begin(target: "t", mode: etl_write_mode(ETL_WRITE_REPLACE), schema: schema))
        XCTAssertEqual(try sink.commit(state: nil).get(), 0)
        sink.destroy()
        XCTAssertTrue(Journal.all.contains("commit <nil>"), "\(Journal.all)")
    }

    func testWriteReleasesTheBatchExactlyOnce() throws {
        let sink = try sink()
        XCTAssertNil(sink.begin(target: "t", mode: etl_write_mode(ETL_WRITE_APPEND), schema: schema))
        let batch = try batch([1])
        BatchFactory.countReleases(batch)
        XCTAssertNil(sink.write(batch))
        XCTAssertEqual(BatchFactory.releaseCount.withLock { $0 }, 1)
        sink.destroy()
    }

    func testWriteReleasesTheBatchExactlyOnceWhenTheSinkThrows() throws {
        let sink = try sink(#"{"fail_in": "write", "code": 3}"#)
        XCTAssertNil(sink.begin(target: "t", mode: etl_write_mode(ETL_WRITE_APPEND), schema: schema))
        let batch = try batch([1])
        BatchFactory.countReleases(batch)
        XCTAssertEqual(sink.write(batch)?.status, ETL_BAD_DATA)
        XCTAssertEqual(BatchFactory.releaseCount.withLock { $0 }, 1)
        sink.destroy()
    }

    func testWriteWithoutBeginIsRefusedAndStillReleasesTheBatch() throws {
        let sink = try sink()
        let batch = try batch([1])
        BatchFactory.countReleases(batch)
        let failure = sink.write(batch)
        XCTAssertEqual(failure?.status, ETL_INTERNAL)
        XCTAssertEqual(failure?.message, "write was called on plugin 'recording' without an open load; call begin first")
        XCTAssertEqual(BatchFactory.releaseCount.withLock { $0 }, 1)
        sink.destroy()
    }

    func testWriteOfABatchNotMatchingTheLoadSchemaIsRefusedAndReleased() throws {
        let sink = try sink()
        XCTAssertNil(sink.begin(target: "t", mode: etl_write_mode(ETL_WRITE_APPEND), schema: schema))
        let narrow = try BatchFactory.makeBatch(ArrowSchemaDescription(fields: [ArrowField(name: "id", type: .int64)]), rows: [[.int64(1)]])
        BatchFactory.countReleases(narrow)
        let failure = sink.write(narrow)
        XCTAssertNotNil(failure)
        XCTAssertTrue(failure?.message.hasPrefix("a batch for target 't' does not match the load's schema: ") ?? false, failure?.message ?? "")
        XCTAssertEqual(BatchFactory.releaseCount.withLock { $0 }, 1)
        XCTAssertFalse(Journal.all.contains { $0.hasPrefix("write") })
        sink.destroy()
    }

    func testThrownPluginErrorArrivesAsStatusCodeAndMessage() throws {
        let sink = try sink(#"{"fail_in": "check", "code": 4, "message_text": "server busy, try later"}"#)
        let failure = sink.check()
        XCTAssertEqual(failure?.status, ETL_RETRYABLE)
        XCTAssertEqual(failure?.code, ETL_RETRYABLE)
        XCTAssertEqual(failure?.message, "server busy, try later")
        sink.destroy()
    }

    func testOverlongErrorMessageIsCutToTheBufferAtACharacterBoundary() throws {
        // "é" is two bytes and 1023 is odd, so a naive cut would split one.
        let sink = try sink(#"{"fail_in": "check", "code": 2, "message_text": "é", "message_repeat": 5000}"#)
        let error = CError()
        XCTAssertEqual(sink.api.pointee.check!(sink.instance, error.pointer), ETL_IO_ERROR)
        let bytes = error.messageBytes
        XCTAssertLessThanOrEqual(bytes.count, Int(ETL_ERROR_MESSAGE_CAPACITY) - 1)
        XCTAssertGreaterThan(bytes.count, Int(ETL_ERROR_MESSAGE_CAPACITY) - 8)
        XCTAssertNotNil(String(validating: bytes, as: UTF8.self), "the cut message must stay valid UTF-8")
        XCTAssertTrue(error.message.hasSuffix("é..."), String(error.message.suffix(10)))
        sink.destroy()
    }

    func testFailingCreateReturnsTheErrorAndNoInstance() throws {
        let result = try side.createSink("recording", config: #"{"fail_in": "create", "code": 1, "message_text": "config.path is required"}"#)
        guard case .failure(let failure) = result else { return XCTFail("create succeeded") }
        XCTAssertEqual(failure.status, ETL_INVALID_CONFIG)
        XCTAssertEqual(failure.message, "config.path is required")
    }

    func testCreateWithConfigThatIsNotJSONIsAnInvalidConfig() throws {
        guard case .failure(let failure) = try side.createSink("recording", config: "{\"a\": }") else { return XCTFail("create succeeded") }
        XCTAssertEqual(failure.status, ETL_INVALID_CONFIG)
        XCTAssertEqual(failure.message, "config is not valid JSON: line 1, column 7: expected a JSON value, found '}'")
    }

    func testCreatePassesTheHostInstanceHandleToLogging() throws {
        let sink = try sink()
        sink.destroy()
        let line = try XCTUnwrap(TestHost.logLines.withLock { $0.first })
        XCTAssertEqual(line, TestHost.LogLine(level: Int32(ETL_LOG_INFO), message: "recording sink created",
                                              instance: UInt(bitPattern: Int(bitPattern: TestHost.instanceHandle))))
    }

    func testBeginWithAWriteModeTheSinkDoesNotDeclareIsRefusedBeforeTheSinkSeesIt() throws {
        let sink = try sink()
        let failure = sink.begin(target: "people", mode: etl_write_mode(ETL_WRITE_MERGE), schema: schema, primaryKey: ["id"])
        XCTAssertEqual(failure?.status, ETL_UNSUPPORTED)
        XCTAssertEqual(failure?.message, "plugin 'recording' does not support write mode merge (it offers: transactional, append, replace); choose one of those modes for target 'people'")
        XCTAssertFalse(Journal.all.contains { $0.hasPrefix("begin") })
        sink.destroy()
    }

    func testBeginAskingForDeletesIsRefusedForASinkWithoutTheDeletesCapability() throws {
        let sink = try sink()
        let flagged = ArrowSchemaDescription(fields: schema.fields + [ArrowField(name: "_etl_delete", type: .bool)])
        let failure = sink.begin(target: "people", mode: etl_write_mode(ETL_WRITE_APPEND), schema: flagged,
                                 options: #"{"max_rejects": 0, "delete_column": "_etl_delete"}"#)
        XCTAssertEqual(failure?.status, ETL_INVALID_CONFIG)
        XCTAssertEqual(failure?.message, #"plugin 'recording' cannot apply deletes (no ETL_CAP_DELETES capability), but the load into 'people' asks for them with the option "delete_column"; remove delete_when from the entry or load into a sink that offers deletes"#)
        XCTAssertFalse(Journal.all.contains { $0.hasPrefix("begin") }, "the flags must never reach the sink as data")
        // Other options pass as before.
        XCTAssertNil(sink.begin(target: "people", mode: etl_write_mode(ETL_WRITE_APPEND), schema: schema, options: #"{"max_rejects": 0}"#))
        sink.destroy()
    }

    func testTheDeletesCapabilityHasItsName() {
        XCTAssertEqual(PluginCapabilities([.merge, .deletes]).description, "merge, deletes")
        XCTAssertEqual(PluginCapabilities.deletes.rawValue, 0x200)
        XCTAssertTrue(PluginCapabilities.sinkCapabilities.contains(.deletes))
    }

    func testBeginWithAnUnknownWriteModeIsUnsupported() throws {
        let sink = try sink()
        let failure = sink.begin(target: "t", mode: 9, schema: schema)
        XCTAssertEqual(failure?.status, ETL_UNSUPPORTED)
        XCTAssertTrue(failure?.message.hasPrefix("write mode 9 is unknown to this plugin") ?? false, failure?.message ?? "")
        sink.destroy()
    }

    func testBeginWhileALoadIsOpenIsRefused() throws {
        let sink = try sink()
        XCTAssertNil(sink.begin(target: "first", mode: etl_write_mode(ETL_WRITE_APPEND), schema: schema))
        let failure = sink.begin(target: "second", mode: etl_write_mode(ETL_WRITE_APPEND), schema: schema)
        XCTAssertEqual(failure?.status, ETL_INTERNAL)
        XCTAssertEqual(failure?.message, "begin for target 'second' was called while the load into 'first' is still open; commit or abort it first")
        sink.destroy()
    }

    func testCommitWithoutAnOpenLoadIsRefused() throws {
        let sink = try sink()
        guard case .failure(let failure) = sink.commit(state: nil) else { return XCTFail("commit succeeded") }
        XCTAssertEqual(failure.status, ETL_INTERNAL)
        XCTAssertEqual(failure.message, "commit was called on plugin 'recording' without an open load; call begin first")
        sink.destroy()
    }

    func testAbortDiscardsTheLoadAndAllowsANewBegin() throws {
        let sink = try sink()
        XCTAssertNil(sink.begin(target: "t", mode: etl_write_mode(ETL_WRITE_APPEND), schema: schema))
        XCTAssertNil(sink.abort())
        XCTAssertNil(sink.begin(target: "t", mode: etl_write_mode(ETL_WRITE_APPEND), schema: schema))
        sink.destroy()
        XCTAssertEqual(Journal.all.filter { $0 == "abort" }.count, 2, "\(Journal.all)")  // once by the host, once by destroy
    }

    func testAbortWithoutAnOpenLoadDoesNotReachTheSink() throws {
        let sink = try sink()
        XCTAssertNil(sink.abort())
        sink.destroy()
        XCTAssertEqual(Journal.all, ["create", "destroy"])
    }

    func testDestroyAbortsAnOpenLoadFirst() throws {
        let sink = try sink()
        XCTAssertNil(sink.begin(target: "t", mode: etl_write_mode(ETL_WRITE_APPEND), schema: schema))
        XCTAssertNil(sink.write(try batch([1])))
        sink.destroy()
        XCTAssertEqual(Array(Journal.all.suffix(2)), ["abort", "destroy"])
    }

    func testDestroyLogsAFailedAbortAsAWarning() throws {
        let sink = try sink(#"{"fail_in": "abort", "code": 2, "message_text": "disk gone"}"#)
        XCTAssertNil(sink.begin(target: "t", mode: etl_write_mode(ETL_WRITE_APPEND), schema: schema))
        sink.destroy()
        let warnings = TestHost.logLines.withLock { $0.filter { $0.level == Int32(ETL_LOG_WARNING) }.map(\.message) }
        XCTAssertEqual(warnings, ["aborting the open load while destroying the 'recording' instance failed: disk gone"])
    }

    func testLoadOptionsAndPrimaryKeyReachTheSink() throws {
        let sink = try sink()
        XCTAssertNil(sink.begin(target: "t", mode: etl_write_mode(ETL_WRITE_REPLACE), schema: schema, entryID: "orders", runID: "r7",
                                primaryKey: ["id", "name"], options: #"{"x": 1}"#))
        sink.destroy()
        XCTAssertTrue(Journal.all.contains("begin orders r7 t replace [id,name] id:l,name:u"), "\(Journal.all)")
    }

    func testExecuteSQLReachesASinkThatDeclaresSQL() throws {
        let sink = try side.createSink("sql_sink", config: "{}").get()
        let error = CError()
        XCTAssertEqual(sink.api.pointee.execute_sql!(sink.instance, "VACUUM", error.pointer), ETL_OK)
        sink.destroy()
        XCTAssertEqual(Journal.all, ["sql VACUUM"])
    }
}
