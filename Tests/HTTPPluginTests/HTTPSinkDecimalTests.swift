import CETLPlugin
import ETLArrow
import ETLRuntimeCore
import Foundation
import TestSupport
import XCTest

/// A decimal column reaches an API as a JSON number with its exact digits: no rounding through a
/// double, trailing zeros of the scale kept.
final class HTTPSinkDecimalTests: XCTestCase {
    private var server: MockAPIServer!
    private let folder = TemporaryDirectory("http-sink-decimal")

    override func setUpWithError() throws {
        server = try MockAPIServer(tasks: 5)
    }

    override func tearDown() {
        server = nil
    }

    func testDecimalsAreSentAsJSONNumbersWithTheirExactDigits() throws {
        let schema = ArrowSchemaDescription(fields: [
            ArrowField(name: "id", type: .int64), ArrowField(name: "list_id", type: .int64),
            ArrowField(name: "amount", type: .decimal128(precision: 20, scale: 2)),
        ])
        let builder = RecordBatchBuilder(schema: schema)
        for (id, amount) in [(Int64(1), Int128(1_234_567_890_123_456_789)), (2, -50)] {
            try builder.append(int64: id, column: 0)
            try builder.append(int64: 7, column: 1)
            try builder.append(decimal128: ArrowDecimal(unscaled: amount, scale: 2), column: 2)
        }
        var array = ArrowArray()
        try builder.finish(into: &array)
        let sink = try HTTPTestPlugin.sink(server, ["path": "/list/{list_id}/task", "body": ["name": "n", "amount": "{amount}"], "state_directory": folder.path])
        try sink.begin(LoadRequest(entryID: "history", runID: "run-1", target: "history", writeMode: .append, primaryKey: [], schema: schema, optionsJSON: nil))
        try sink.write(try ImportedRecordBatch(taking: &array, schema: schema))
        XCTAssertEqual(try sink.commit(stateJSON: nil), 2)
        let raw = try server.writes().map { $0["raw_body"] as? String ?? "" }
        XCTAssertEqual(raw.count, 2)
        XCTAssertTrue(raw[0].contains(#""amount":12345678901234567.89"#), raw[0])
        XCTAssertTrue(raw[1].contains(#""amount":-0.50"#), raw[1])
    }
}
