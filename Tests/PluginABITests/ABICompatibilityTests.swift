import CETLPlugin
import CETLPluginLayout
import ETLArrow
@testable import ETLRuntimeCore
import Foundation
import Glibc
import TestSupport
import XCTest

/// ABI 1.1, 1.2 and 1.3 are additive: plugins built against the 1.0, 1.1 and 1.2 headers as
/// shipped (SDK/abi/1.0, 1.1, 1.2) load and run in this host, a 1.1 plugin's `create_with_descriptor`
/// receives its own descriptor, a 1.2 plugin's entry options schema and `check_read` are used, and
/// a 1.3 plugin reports its progress to this host but never reads the function from an older one.
final class ABICompatibilityTests: XCTestCase {
    private var fixtures: FixturePlugins!

    override func setUp() {
        fixtures = FixturePlugins()
    }

    private func plugin(_ fixture: String, as name: String, named pluginName: String) throws -> LoadedPlugin {
        let library = try PluginLibraryLoader.load(try fixtures.build(fixture, as: name)).get()
        return try XCTUnwrap(library.plugins.first { $0.info.name == pluginName })
    }

    func testASourceBuiltAgainstTheABI10HeaderLoadsAndReadsItsRows() throws {
        let tiny = try plugin("abi_1_0_source", as: "abi10_source", named: "tiny")
        XCTAssertEqual(tiny.info.abiVersion, "1.0")
        let source = try SourceInstance(plugin: tiny, configJSON: #"{"count": 5}"#, entryID: "numbers")
        let read = try source.read(ReadRequest(entryID: "numbers", stream: "numbers", batchSize: 2))
        var values: [Int64] = []
        var checkpoints: [String?] = []
        while let batch = try read.stream.next() {
            values += (0..<batch.rowCount).map { batch.column(0).int64($0) }
            checkpoints.append(try source.checkpoint())
        }
        XCTAssertEqual(values, [1, 2, 3, 4, 5])
        XCTAssertEqual(checkpoints, [#"{"next": 3}"#, #"{"next": 5}"#, #"{"next": 6}"#])
    }

    func testASinkBuiltAgainstTheABI10HeaderLoadsCommitsAndReadsItsStateBack() throws {
        let counting = try plugin("abi_1_0_sink", as: "abi10_sink", named: "counting_sink")
        XCTAssertEqual(counting.info.abiVersion, "1.0")
        let sink = try SinkInstance(plugin: counting, configJSON: "{}", entryID: "numbers")
        let schema = ArrowSchemaDescription(fields: [ArrowField(name: "n", type: .int64, nullable: false)])
        let builder = RecordBatchBuilder(schema: schema, capacity: 3)
        for value in [Int64(7), 8, 9] { try builder.append(int64: value, column: 0) }
        let array = UnsafeMutablePointer<ArrowArray>.allocate(capacity: 1)
        defer { array.deallocate() }
        try builder.finish(into: array)
        let batch = try ImportedRecordBatch(taking: array, schema: schema)

        try sink.begin(LoadRequest(entryID: "numbers", runID: "r1", target: "t", writeMode: .append, schema: schema))
        try sink.write(batch)
        XCTAssertEqual(try sink.commit(stateJSON: #"{"next": 10}"#), 3)
        XCTAssertEqual(try sink.readState(entryID: "numbers"), #"{"next": 10}"#)
    }

    func testDecimalColumnsAreRefusedForASinkBuiltBeforeABI12WithTheFix() throws {
        let counting = try plugin("abi_1_0_sink", as: "abi10_sink", named: "counting_sink")
        let entry = ControlEntry(id: "e", source: "s", stream: "numbers", sink: "counter", target: "t", mode: .full,
                                 transforms: [ManifestTransform(step: .cast([ColumnCast(column: "n", type: .decimal, digits: DecimalDigits(precision: 12, scale: 2))]),
                                                                jsonPath: "$.control_table[0].transforms[0]", line: 9)],
                                 jsonPath: "$.control_table[0]", line: 7)
        let numbers = ArrowSchemaDescription(fields: [ArrowField(name: "n", type: .utf8)])
        let expected = #"sink "counter" (plugin "counting_sink", built for ABI 1.0) cannot receive column "n", a decimal(12,2): decimal columns need a sink built for ABI 1.2 or later. Cast the column to "double" (or "string" for its exact digits) in the entry's transforms, or rebuild the plugin against etl_plugin.h 1.2"#
        // `run`, before the sink begins:
        let decimals = ArrowSchemaDescription(fields: [ArrowField(name: "n", type: .decimal128(precision: 12, scale: 2))])
        XCTAssertEqual(SinkColumnTypeCheck.problem(decimals, sink: counting, sinkName: "counter", entry: entry),
                       TransformError("$.control_table[0].sink", expected))
        XCTAssertNil(SinkColumnTypeCheck.problem(numbers, sink: counting, sinkName: "counter", entry: entry))
        // `validate`, when the source tells its columns:
        let issue = TransformSchemaCheck.issue(entry, schema: numbers, file: "plugins.json", sink: counting)
        XCTAssertEqual(issue?.description, "plugins.json:7: $.control_table[0].sink: " + expected)
        // An entry without transforms sends the stream's own columns.
        var plain = entry
        plain.transforms = []
        XCTAssertEqual(TransformSchemaCheck.issue(plain, schema: decimals, file: "plugins.json", sink: counting)?.description,
                       "plugins.json:7: $.control_table[0].sink: " + expected)
        XCTAssertNil(TransformSchemaCheck.issue(plain, schema: numbers, file: "plugins.json", sink: counting))
    }

    func testCreateWithDescriptorTellsPluginsThatShareOneFunctionApart() throws {
        let library = try PluginLibraryLoader.load(try fixtures.build("shared_create")).get()
        XCTAssertEqual(library.plugins.map(\.info.name), ["alpha", "beta", "gamma"])
        XCTAssertEqual(library.abiMinor, Int(ETL_PLUGIN_ABI_MINOR))
        for plugin in library.plugins {
            let source = try SourceInstance(plugin: plugin, configJSON: "{}", entryID: nil)
            XCTAssertEqual(try source.discover().map(\.name), ["\(plugin.info.name)_stream"])
            XCTAssertThrowsError(try source.check()) { error in
                XCTAssertTrue("\(error)".contains("shared_create: \(plugin.info.name) is never reachable"), "\(error)")
            }
        }
    }

    func testASourceBuiltAgainstTheABI11HeaderLoadsWithNoEntryOptionsSchemaAndNoCheckRead() throws {
        let library = try PluginLibraryLoader.load(try fixtures.build("abi_1_1_source", as: "abi11_source")).get()
        XCTAssertEqual(library.abiMinor, 1)
        XCTAssertEqual(library.plugins.map(\.info.name), ["alpha", "beta", "gamma"])
        for plugin in library.plugins {
            XCTAssertEqual(plugin.info.abiVersion, "1.1")
            XCTAssertNil(plugin.info.entryOptionsSchemaJSON, "a 1.1 descriptor has no entry_options_schema_json")
            let source = try SourceInstance(plugin: plugin, configJSON: "{}", entryID: nil)
            XCTAssertEqual(try source.discover().map(\.name), ["\(plugin.info.name)_stream"])
            // A 1.1 table has no check_read: the host accepts the request and leaves it to read.
            try source.checkRead(ReadRequest(entryID: "e", stream: "\(plugin.info.name)_stream"))
        }
    }

    func testAnABI12SourceDeclaresItsEntryOptionsAndCheckReadSeesThemUnderEntryOptions() throws {
        // Built against the 1.2 header as shipped: a 1.3 host (report_progress) still runs it.
        let greeter = try plugin("abi_1_2_source", as: "abi12_source", named: "greeter")
        XCTAssertEqual(greeter.info.abiVersion, "1.2")
        let schema = try XCTUnwrap(greeter.info.entryOptionsSchemaJSON)
        XCTAssertTrue(schema.contains(#""required": ["greeting"]"#), schema)
        XCTAssertEqual(greeter.info.contract.entryOptionsSchemaJSON, schema)
        let source = try SourceInstance(plugin: greeter, configJSON: "{}", entryID: "e")
        func entry(_ greeting: String) -> ControlEntry {
            ControlEntry(id: "e", source: "s", stream: "greetings", sink: "k", target: "t", mode: .full,
                         options: .object(JSONObject([("greeting", .string(greeting))])), jsonPath: "$.control_table[0]", line: 1)
        }
        try source.checkRead(.forEntry(entry("hello"), startState: nil, fullRefresh: false))
        XCTAssertThrowsError(try source.checkRead(.forEntry(entry("bye"), startState: nil, fullRefresh: false))) { error in
            let call = error as? PluginCallError
            XCTAssertEqual(call?.function, "check_read")
            XCTAssertEqual(call?.status, ETL_INVALID_CONFIG)
            XCTAssertEqual(call?.message, #"options.greeting is "bye"; greeter only says "hello""#)
        }
    }

    func testAnABI13SourceReportsHowFarItsReadHasComeAndEachReadStartsFromNone() throws {
        let tiny = try plugin("tiny_source", as: "tiny13", named: "tiny")
        XCTAssertEqual(tiny.info.abiVersion, "1.4")
        let source = try SourceInstance(plugin: tiny, configJSON: #"{"count": 5}"#, entryID: "numbers")
        for _ in 0..<2 {
            let read = try source.read(ReadRequest(entryID: "numbers", stream: "numbers", batchSize: 2))
            XCTAssertNil(source.context.reportedProgress, "nothing reported before the first batch of a read")
            var seen: [SourceInputProgress?] = []
            while try read.stream.next() != nil { seen.append(source.context.reportedProgress) }
            XCTAssertEqual(seen, [.init(done: 2, total: 5), .init(done: 4, total: 5), .init(done: 5, total: 5)])
            XCTAssertEqual(seen.last??.percent, 100)
        }
    }

    func testASourceBuiltBeforeABI13ReportsNoProgressAndStillReads() throws {
        let tiny = try plugin("abi_1_0_source", as: "abi10_source", named: "tiny")
        let source = try SourceInstance(plugin: tiny, configJSON: #"{"count": 3}"#, entryID: "numbers")
        let read = try source.read(ReadRequest(entryID: "numbers", stream: "numbers", batchSize: 2))
        var rows = 0
        while let batch = try read.stream.next() { rows += batch.rowCount }
        XCTAssertEqual(rows, 3)
        XCTAssertNil(source.context.reportedProgress)
    }

    func testAnABI13SourceOnAnABI12HostNeverReadsReportProgress() throws {
        // This host's table cut to its 1.2 size, ending where an unreadable page begins: a plugin
        // that read report_progress from it without checking struct_size would die of SIGSEGV.
        let path = try fixtures.build("tiny_source", as: "tiny_on_old_host")
        let handle = try XCTUnwrap(dlopen(path, RTLD_NOW | RTLD_LOCAL), String(cString: dlerror()))
        let entry = unsafeBitCast(try XCTUnwrap(dlsym(handle, "etl_plugin_entry")), to: etl_plugin_entry_fn.self)
        let page = try GuardedPage()
        var oldHost = HostAPI.table.pointee
        oldHost.struct_size = etl_layout_host_api_size_1_1
        oldHost.abi_minor = 2
        let host = page.place(oldHost, bytes: Int(etl_layout_host_api_size_1_1))

        var error = etl_error()
        error.struct_size = UInt32(MemoryLayout<etl_error>.size)
        var library: UnsafePointer<etl_plugin_library>?
        XCTAssertEqual(entry(host, &library, &error), ETL_OK)
        let descriptor = try XCTUnwrap(try XCTUnwrap(library).pointee.plugins[0])
        let api = try XCTUnwrap(descriptor.pointee.source).pointee
        let context = HostInstanceContext(pluginName: "tiny", entryID: "numbers")
        var instance: UnsafeMutableRawPointer?
        XCTAssertEqual(api.create(host, context.handle, #"{"count": 3}"#, &instance, &error), ETL_OK)
        defer { api.destroy(instance) }
        var request = etl_read_request()
        request.struct_size = UInt32(MemoryLayout<etl_read_request>.size)
        request.batch_size = 2
        var stream = ArrowArrayStream()
        // tiny reads the stream name during read only.
        let status = "numbers".withCString { name in
            request.stream = name
            return api.read(instance, &request, &stream, &error)
        }
        XCTAssertEqual(status, ETL_OK)
        var rows: Int64 = 0
        while true {
            var array = ArrowArray()
            XCTAssertEqual(stream.get_next(&stream, &array), 0)
            guard let release = array.release else { break }
            rows += array.length
            release(&array)
        }
        stream.release(&stream)
        XCTAssertEqual(rows, 3)
        XCTAssertNil(context.reportedProgress, "a 1.2 host has no report_progress to call")
    }

    func testTheHostReadsNoByteBeyondTheStructSizeOfAnABI10Table() throws {
        // The 1.0 descriptor and source table each end right before a page that cannot be read:
        // a host that copied this header's (larger) structs from them would die with SIGSEGV.
        let tablePage = try GuardedPage()
        let descriptorPage = try GuardedPage()
        var api = etl_source_api()
        api.struct_size = etl_layout_source_api_size_1_0
        api.create = { _, _, _, out, _ in
            out?.pointee = UnsafeMutableRawPointer(bitPattern: 0x1010)
            return ETL_OK
        }
        api.destroy = { _ in }
        api.check = { _, _ in ETL_OK }
        api.discover = { _, _, _ in ETL_UNSUPPORTED }
        api.read = { _, _, _, _ in ETL_UNSUPPORTED }
        api.checkpoint = { _, _, _ in ETL_UNSUPPORTED }
        let table = tablePage.place(api, bytes: Int(etl_layout_source_api_size_1_0))

        let name = strdup("guarded")!, version = strdup("1.0.0")!, schema = strdup("{}")!
        defer {
            free(name)
            free(version)
            free(schema)
        }
        var descriptor = etl_plugin_descriptor()
        descriptor.struct_size = etl_layout_plugin_descriptor_size_1_0
        descriptor.kind = ETL_KIND_SOURCE
        descriptor.name = UnsafePointer(name)
        descriptor.version = UnsafePointer(version)
        descriptor.config_schema_json = UnsafePointer(schema)
        descriptor.source = table
        var list: [UnsafePointer<etl_plugin_descriptor>?] = [descriptorPage.place(descriptor, bytes: Int(etl_layout_plugin_descriptor_size_1_0))]
        try list.withUnsafeMutableBufferPointer { plugins in
            var library = etl_plugin_library(
                struct_size: UInt32(MemoryLayout<etl_plugin_library>.size), abi_major: 1, abi_minor: 0, plugin_count: 1,
                plugins: UnsafePointer(plugins.baseAddress))
            let loaded = try PluginLibraryLoader.check(&library, path: "/guarded/libetl_guarded.so").get()
            let source = try SourceInstance(plugin: try XCTUnwrap(loaded.plugins.first), configJSON: "{}", entryID: nil)
            try source.check()
        }
    }
}

/// One readable page followed by one that is not: a struct placed at the end of the first shows
/// whether a reader stays within its bytes.
private final class GuardedPage {
    private let base: UnsafeMutableRawPointer
    private let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    init() throws {
        guard let memory = mmap(nil, 2 * pageSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
            memory != MAP_FAILED, mprotect(memory + pageSize, pageSize, PROT_NONE) == 0
        else { throw POSIXError(.ENOMEM) }
        base = memory
    }

    deinit { munmap(base, 2 * pageSize) }

    /// The first `bytes` bytes of `value`, ending where the unreadable page begins.
    func place<T>(_ value: T, bytes: Int) -> UnsafePointer<T> {
        let start = base + pageSize - bytes
        withUnsafeBytes(of: value) { start.copyMemory(from: $0.baseAddress!, byteCount: bytes) }
        return UnsafePointer(start.assumingMemoryBound(to: T.self))
    }
}
