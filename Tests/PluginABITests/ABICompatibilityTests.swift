import CETLPlugin
import ETLArrow
import ETLRuntimeCore
import Foundation
import TestSupport
import XCTest

/// ABI 1.1 is additive: plugins built against the 1.0 header as shipped (SDK/abi/1.0) load and run
/// in this host, and a 1.1 plugin's `create_with_descriptor` receives its own descriptor.
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

    func testCreateWithDescriptorTellsPluginsThatShareOneFunctionApart() throws {
        let library = try PluginLibraryLoader.load(try fixtures.build("shared_create")).get()
        XCTAssertEqual(library.plugins.map(\.info.name), ["alpha", "beta", "gamma"])
        XCTAssertEqual(library.abiMinor, 1)
        for plugin in library.plugins {
            let source = try SourceInstance(plugin: plugin, configJSON: "{}", entryID: nil)
            XCTAssertEqual(try source.discover().map(\.name), ["\(plugin.info.name)_stream"])
            XCTAssertThrowsError(try source.check()) { error in
                XCTAssertTrue("\(error)".contains("shared_create: \(plugin.info.name) is never reachable"), "\(error)")
            }
        }
    }
}
