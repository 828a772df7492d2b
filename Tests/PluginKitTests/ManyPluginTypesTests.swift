import CETLPlugin
import CETLPluginLayout
import ETLArrow
import ETLPluginKit
import XCTest

/// A sink type whose place in a chain of nested generic types gives it a distinct name, so a
/// test can register as many distinct plugin types as it likes.
protocol NumberedSink: ETLSink {
    static var number: Int { get }
}

/// The first of the chain: `numbered_0`.
final class FirstNumberedSink: NumberedSink {
    static var number: Int { 0 }
    static var descriptor: PluginDescriptor { NumberedSinkBody.descriptor(number) }
    let body: NumberedSinkBody
    init(config: PluginConfig, host: PluginHost) throws(PluginError) { body = NumberedSinkBody(Self.number, host) }
    func check() throws(PluginError) { try body.check() }
    func begin(_ request: LoadRequest) throws(PluginError) {}
    func write(_ batch: ImportedRecordBatch) throws(PluginError) {}
    func commit(state: String?) throws(PluginError) -> Int64 { 0 }
    func abort() throws(PluginError) {}
    func readState(entryID: String) throws(PluginError) -> String? { nil }
}

/// The type after `Previous` in the chain: `numbered_<Previous.number + 1>`.
final class NextNumberedSink<Previous: NumberedSink>: NumberedSink {
    static var number: Int { Previous.number + 1 }
    static var descriptor: PluginDescriptor { NumberedSinkBody.descriptor(number) }
    let body: NumberedSinkBody
    init(config: PluginConfig, host: PluginHost) throws(PluginError) { body = NumberedSinkBody(Self.number, host) }
    func check() throws(PluginError) { try body.check() }
    func begin(_ request: LoadRequest) throws(PluginError) {}
    func write(_ batch: ImportedRecordBatch) throws(PluginError) {}
    func commit(state: String?) throws(PluginError) -> Int64 { 0 }
    func abort() throws(PluginError) {}
    func readState(entryID: String) throws(PluginError) -> String? { nil }
}

/// What every numbered sink does: `check` fails with its own number, so a test can see which
/// type the kit instantiated.
struct NumberedSinkBody {
    let number: Int
    init(_ number: Int, _ host: PluginHost) { self.number = number }

    static func descriptor(_ number: Int) -> PluginDescriptor {
        PluginDescriptor(name: "numbered_\(number)", version: "1.0.0", description: "sink \(number)", capabilities: [.append], configSchema: "{}")
    }

    func check() throws(PluginError) { throw .ioError("I am numbered_\(number)") }
}

/// `count` distinct sink types: numbered_0, numbered_1, ...
func numberedSinks<Last: NumberedSink>(_ count: Int, after last: Last.Type = FirstNumberedSink.self) -> [PluginRegistration] {
    guard count > 0 else { return [] }
    return [.sink(last)] + numberedSinks(count - 1, after: NextNumberedSink<Last>.self)
}

final class ManyPluginTypesTests: XCTestCase {
    func testALibraryHoldsMoreThan32PluginTypesAndCreatesEachAsItself() throws {
        let (status, library, error) = callEntry(host: TestHost.api.pointer, plugins: numberedSinks(40))
        XCTAssertEqual(status, ETL_OK, error.message)
        let side = HostSide(library: try XCTUnwrap(library), host: TestHost.api.pointer)
        XCTAssertEqual(side.descriptors.count, 40)
        for number in [0, 1, 31, 32, 39] {
            let sink = try side.createSink("numbered_\(number)", config: "{}").get()
            XCTAssertEqual(sink.check()?.message, "I am numbered_\(number)")
            sink.destroy()
        }
    }

    func testKitTablesLeaveCreateNullAndPointUserDataAtTheirType() throws {
        let (_, library, _) = callEntry(host: TestHost.api.pointer, plugins: [.sink(RecordingSink.self), .source(CountingSource.self)])
        let side = HostSide(library: try XCTUnwrap(library), host: TestHost.api.pointer)
        for descriptor in side.descriptors {
            XCTAssertEqual(descriptor.pointee.struct_size, etl_layout_plugin_descriptor_size_1_2)
            XCTAssertNotNil(descriptor.pointee.user_data)
        }
        let sink = try side.descriptor(named: "recording").pointee.sink!.pointee
        XCTAssertEqual(sink.struct_size, etl_layout_sink_api_size_1_4)
        XCTAssertNil(sink.create, "create_with_descriptor serves every type; no 1.0 create is needed")
        XCTAssertNotNil(sink.create_with_descriptor)
        XCTAssertNotNil(sink.check_load, "every kit sink answers check_load (ETLSink.checkLoad, default: accepts)")
        let source = try side.descriptor(named: "counting").pointee.source!.pointee
        XCTAssertEqual(source.struct_size, etl_layout_source_api_size_1_2)
        XCTAssertNil(source.create)
        XCTAssertNotNil(source.create_with_descriptor)
        XCTAssertNotNil(source.check_read, "every kit source answers check_read (ETLSource.checkRead, default: accepts)")
    }

    func testEntryRefusesAHostOfABI10WhichCannotCallCreateWithDescriptor() {
        let host = TestHost.makeAPI(structSize: Int(etl_layout_host_api_size_1_0), abiMinor: 0)
        let (status, library, error) = callEntry(host: host, plugins: [.sink(RecordingSink.self)])
        XCTAssertEqual(status, ETL_UNSUPPORTED)
        XCTAssertNil(library)
        XCTAssertEqual(
            error.message,
            "the host speaks plugin ABI 1.0, but plugins built with ETLPluginKit need ABI 1.1 or later (create_with_descriptor); upgrade etl-runtime")
    }
}
