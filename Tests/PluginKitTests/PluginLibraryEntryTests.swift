import CETLPlugin
import ETLArrow
import ETLPluginKit
import Dispatch
import Synchronization
import XCTest

/// Sinks whose descriptors the entry must refuse.
final class BadNameSink: ETLSink {
    static let descriptor = PluginDescriptor(name: "Bad-Name", version: "1", description: "", capabilities: [.append], configSchema: "{}")
    init(config: PluginConfig, host: PluginHost) throws(PluginError) {}
    func check() throws(PluginError) {}
    func begin(_ request: LoadRequest) throws(PluginError) {}
    func write(_ batch: ImportedRecordBatch) throws(PluginError) {}
    func commit(state: String?) throws(PluginError) -> Int64 { 0 }
    func abort() throws(PluginError) {}
    func readState(entryID: String) throws(PluginError) -> String? { nil }
}

final class SourceCapabilitySink: ETLSink {
    static let descriptor = PluginDescriptor(name: "confused", version: "1", description: "", capabilities: [.append, .incremental], configSchema: "{}")
    init(config: PluginConfig, host: PluginHost) throws(PluginError) {}
    func check() throws(PluginError) {}
    func begin(_ request: LoadRequest) throws(PluginError) {}
    func write(_ batch: ImportedRecordBatch) throws(PluginError) {}
    func commit(state: String?) throws(PluginError) -> Int64 { 0 }
    func abort() throws(PluginError) {}
    func readState(entryID: String) throws(PluginError) -> String? { nil }
}

final class BrokenSchemaSink: ETLSink {
    static let descriptor = PluginDescriptor(name: "broken_schema", version: "1", description: "", capabilities: [.append], configSchema: #"{"type": "object",}"#)
    init(config: PluginConfig, host: PluginHost) throws(PluginError) {}
    func check() throws(PluginError) {}
    func begin(_ request: LoadRequest) throws(PluginError) {}
    func write(_ batch: ImportedRecordBatch) throws(PluginError) {}
    func commit(state: String?) throws(PluginError) -> Int64 { 0 }
    func abort() throws(PluginError) {}
    func readState(entryID: String) throws(PluginError) -> String? { nil }
}

/// Registered only by the concurrency test, so its library is built there for the first time.
final class FirstLoadSink: ETLSink {
    static let descriptor = PluginDescriptor(name: "first_load", version: "1", description: "", capabilities: [.replace], configSchema: "{}")
    init(config: PluginConfig, host: PluginHost) throws(PluginError) {}
    func check() throws(PluginError) {}
    func begin(_ request: LoadRequest) throws(PluginError) {}
    func write(_ batch: ImportedRecordBatch) throws(PluginError) {}
    func commit(state: String?) throws(PluginError) -> Int64 { 0 }
    func abort() throws(PluginError) {}
    func readState(entryID: String) throws(PluginError) -> String? { nil }
}

/// Calls `PluginLibrary.entry` as `etl_plugin_entry` would be called.
func callEntry(host: UnsafePointer<etl_host_api>?, plugins: [PluginRegistration]) -> (etl_status, UnsafePointer<etl_plugin_library>?, CError) {
    let error = CError()
    var library: UnsafePointer<etl_plugin_library>?
    let status = PluginLibrary.entry(host: host, library: &library, error: error.pointer, plugins: plugins)
    return (status, library, error)
}

final class PluginLibraryEntryTests: XCTestCase {
    func testEntryListsEachPluginWithItsDescriptor() throws {
        let (status, library, error) = callEntry(host: TestHost.api.pointer, plugins: [.sink(RecordingSink.self), .source(CountingSource.self)])
        XCTAssertEqual(status, ETL_OK, error.message)
        let side = HostSide(library: try XCTUnwrap(library), host: TestHost.api.pointer)
        XCTAssertEqual(side.library.pointee.abi_major, UInt16(ETL_PLUGIN_ABI_MAJOR))
        XCTAssertEqual(side.library.pointee.abi_minor, UInt16(ETL_PLUGIN_ABI_MINOR))
        XCTAssertEqual(side.library.pointee.struct_size, UInt32(MemoryLayout<etl_plugin_library>.size))
        XCTAssertEqual(side.descriptors.map { String(cString: $0.pointee.name) }, ["recording", "counting"])

        let sink = try side.descriptor(named: "recording").pointee
        XCTAssertEqual(sink.struct_size, UInt32(MemoryLayout<etl_plugin_descriptor>.size))
        XCTAssertEqual(sink.kind, etl_plugin_kind(ETL_KIND_SINK))
        XCTAssertEqual(String(cString: sink.version), "2.1.0")
        XCTAssertEqual(String(cString: sink.description), "records calls")
        XCTAssertEqual(sink.capabilities, UInt64(ETL_CAP_APPEND) | UInt64(ETL_CAP_REPLACE) | UInt64(ETL_CAP_TRANSACTIONAL))
        XCTAssertEqual(String(cString: sink.config_schema_json), #"{"type": "object"}"#)
        XCTAssertNil(sink.source)
        XCTAssertEqual(sink.sink?.pointee.struct_size, UInt32(MemoryLayout<etl_sink_api>.size))

        let source = try side.descriptor(named: "counting").pointee
        XCTAssertEqual(source.kind, etl_plugin_kind(ETL_KIND_SOURCE))
        XCTAssertEqual(source.capabilities, UInt64(ETL_CAP_INCREMENTAL) | UInt64(ETL_CAP_DISCOVER))
        XCTAssertNil(source.sink)
        XCTAssertEqual(source.source?.pointee.struct_size, UInt32(MemoryLayout<etl_source_api>.size))
    }

    func testEntryCalledTwiceReturnsTheSameStaticLibrary() {
        let first = callEntry(host: TestHost.api.pointer, plugins: [.sink(RecordingSink.self)])
        let second = callEntry(host: TestHost.api.pointer, plugins: [.sink(RecordingSink.self)])
        XCTAssertEqual(first.0, ETL_OK)
        XCTAssertNotNil(first.1)
        XCTAssertEqual(first.1, second.1)
    }

    func testConcurrentFirstCallsAllGetOneLibrary() {
        let addresses = Mutex<Set<UInt>>([])
        DispatchQueue.concurrentPerform(iterations: 16) { _ in
            let (status, library, _) = callEntry(host: TestHost.api.pointer, plugins: [.sink(FirstLoadSink.self)])
            let address = status == ETL_OK ? library.map { UInt(bitPattern: $0) } ?? 0 : 0
            addresses.withLock { _ = $0.insert(address) }
        }
        let built = addresses.withLock { $0 }
        XCTAssertEqual(built.count, 1)
        XCTAssertFalse(built.contains(0))
    }

    func testEntryRefusesHostOfAnotherABIMajor() {
        let (status, library, error) = callEntry(host: TestHost.makeAPI(abiMajor: 2), plugins: [.sink(RecordingSink.self)])
        XCTAssertEqual(status, ETL_UNSUPPORTED)
        XCTAssertEqual(error.code, ETL_UNSUPPORTED)
        XCTAssertNil(library)
        XCTAssertTrue(error.message.contains("host speaks plugin ABI 2.\(ETL_PLUGIN_ABI_MINOR) but this plugin was built for ABI 1.\(ETL_PLUGIN_ABI_MINOR)"), error.message)
    }

    func testEntryRefusesHostTableSmallerThanABI10() {
        let (status, library, error) = callEntry(host: TestHost.makeAPI(structSize: 40), plugins: [.sink(RecordingSink.self)])
        XCTAssertEqual(status, ETL_UNSUPPORTED)
        XCTAssertNil(library)
        XCTAssertTrue(error.message.contains("host's API table is 40 bytes but ABI 1.0 needs"), error.message)
    }

    func testEntryRefusesHostTableTooSmallToHoldItsVersion() {
        let (status, _, error) = callEntry(host: TestHost.makeAPI(structSize: 4), plugins: [.sink(RecordingSink.self)])
        XCTAssertEqual(status, ETL_UNSUPPORTED)
        XCTAssertTrue(error.message.contains("too small to hold its ABI version"), error.message)
    }

    func testEntryRefusesHostTableWithoutLog() {
        let (status, _, error) = callEntry(host: TestHost.makeAPI(withLog: false), plugins: [.sink(RecordingSink.self)])
        XCTAssertEqual(status, ETL_UNSUPPORTED)
        XCTAssertTrue(error.message.contains("lacks log"), error.message)
    }

    func testEntryRefusesNullHost() {
        let (status, library, error) = callEntry(host: nil, plugins: [.sink(RecordingSink.self)])
        XCTAssertEqual(status, ETL_INTERNAL)
        XCTAssertNil(library)
        XCTAssertTrue(error.message.contains("NULL host API table"), error.message)
    }

    func testEntryRefusesPluginNameOutsideThePattern() {
        let (status, _, error) = callEntry(host: TestHost.api.pointer, plugins: [.sink(BadNameSink.self)])
        XCTAssertEqual(status, ETL_INTERNAL)
        XCTAssertTrue(error.message.contains("plugin name 'Bad-Name' is invalid"), error.message)
    }

    func testEntryRefusesTwoPluginsOfOneKindWithOneName() {
        let (status, _, error) = callEntry(host: TestHost.api.pointer, plugins: [.sink(RecordingSink.self), .sink(RecordingSink.self)])
        XCTAssertEqual(status, ETL_INTERNAL)
        XCTAssertTrue(error.message.contains("two sink plugins of the library are named 'recording'"), error.message)
    }

    func testEntryRefusesSinkDeclaringASourceCapability() {
        let (status, _, error) = callEntry(host: TestHost.api.pointer, plugins: [.sink(SourceCapabilitySink.self)])
        XCTAssertEqual(status, ETL_INTERNAL)
        XCTAssertTrue(error.message.contains("plugin 'confused' declares capabilities that do not apply to its kind: incremental"), error.message)
    }

    func testEntryRefusesConfigSchemaThatIsNotJSON() {
        let (status, _, error) = callEntry(host: TestHost.api.pointer, plugins: [.sink(BrokenSchemaSink.self)])
        XCTAssertEqual(status, ETL_INTERNAL)
        XCTAssertTrue(error.message.contains("plugin 'broken_schema': configSchema is not valid JSON: line 1, column 18: trailing comma is not allowed"), error.message)
    }

    func testEntryRefusesAnEmptyPluginList() {
        let (status, _, error) = callEntry(host: TestHost.api.pointer, plugins: [])
        XCTAssertEqual(status, ETL_INTERNAL)
        XCTAssertTrue(error.message.contains("registers no plugins"), error.message)
    }

    func testSinkWithoutSQLCapabilityHasNoExecuteSQL() throws {
        let (status, library, _) = callEntry(host: TestHost.api.pointer, plugins: [.sink(RecordingSink.self), .sink(SQLSink.self)])
        XCTAssertEqual(status, ETL_OK)
        let side = HostSide(library: try XCTUnwrap(library), host: TestHost.api.pointer)
        XCTAssertNil(try side.descriptor(named: "recording").pointee.sink!.pointee.execute_sql)
        XCTAssertNotNil(try side.descriptor(named: "sql_sink").pointee.sink!.pointee.execute_sql)
    }

    func testEachPluginTypeIsCreatedAsItself() throws {
        let (_, library, _) = callEntry(host: TestHost.api.pointer, plugins: [.sink(RecordingSink.self), .sink(SQLSink.self)])
        let side = HostSide(library: try XCTUnwrap(library), host: TestHost.api.pointer)
        Journal.reset()
        let sql = try side.createSink("sql_sink", config: "{}").get()
        sql.destroy()
        let recording = try side.createSink("recording", config: "{}").get()
        recording.destroy()
        XCTAssertEqual(Journal.all, ["create", "destroy"])
    }
}
