import CETLPlugin
import ETLArrow
import ETLPluginKit
import XCTest

/// The kit's side of source positions: `ReadRequest.wantsPositions` reads the request's option,
/// and `SourcePositionColumn` adds the `_etl_position` column to the schema and each row.
final class SourcePositionColumnTests: XCTestCase {
    private let columns = ArrowSchemaDescription(fields: [ArrowField(name: "id", type: .int64)])

    private func request(options: String?) -> ReadRequest {
        ReadRequest(entryID: "e", stream: "s", optionsJSON: options)
    }

    func testARequestWantsPositionsOnlyWhenItsOptionsSayTrue() throws {
        XCTAssertTrue(try request(options: #"{"mode": "full", "positions": true}"#).wantsPositions)
        XCTAssertFalse(try request(options: #"{"positions": false}"#).wantsPositions)
        XCTAssertFalse(try request(options: #"{"mode": "full"}"#).wantsPositions)
        XCTAssertFalse(try request(options: nil).wantsPositions)
        XCTAssertThrowsError(try request(options: #"{"positions": "yes"}"#).wantsPositions) { error in
            XCTAssertEqual((error as? PluginError)?.code, .invalidConfig)
        }
    }

    func testNotAskedTheColumnIsNotThere() throws {
        XCTAssertNil(try SourcePositionColumn(request: request(options: #"{"mode": "full"}"#), streamSchema: columns))
    }

    func testAskedTheColumnComesLastAndHoldsEachRowsPosition() throws {
        let positions = try XCTUnwrap(try SourcePositionColumn(request: request(options: #"{"positions": true}"#), streamSchema: columns))
        XCTAssertEqual(positions.schema.fields.map(\.name), ["id", ETL_POSITION_COLUMN])
        XCTAssertEqual(positions.schema.fields.last?.type, .utf8)
        XCTAssertEqual(positions.index, 1)
        let builder = RecordBatchBuilder(schema: positions.schema)
        try builder.append(int64: 7, column: 0)
        try positions.append("data.csv:2", to: builder)
        try Array("data.csv:3".utf8).withUnsafeBytes { try positions.append(utf8: $0, to: builder) }
        try builder.append(int64: 8, column: 0)
        let array = UnsafeMutablePointer<ArrowArray>.allocate(capacity: 1)
        defer { array.deallocate() }
        try builder.finish(into: array)
        let batch = try ImportedRecordBatch(taking: array, schema: positions.schema)
        XCTAssertEqual((0..<batch.rowCount).map { batch.column(1).string($0) }, ["data.csv:2", "data.csv:3"])
    }

    func testAStreamMayNotHaveAColumnOfTheReservedName() {
        let clash = ArrowSchemaDescription(fields: [ArrowField(name: ETL_POSITION_COLUMN, type: .utf8)])
        XCTAssertThrowsError(try SourcePositionColumn(streamSchema: clash)) { error in
            XCTAssertTrue("\(error)".contains("reserved for source positions"), "\(error)")
        }
    }

    func testPositionsIsASourceCapabilityNamedPositions() {
        XCTAssertEqual(PluginCapabilities.positions.rawValue, UInt64(ETL_CAP_POSITIONS))
        XCTAssertTrue(PluginCapabilities.sourceCapabilities.contains(.positions))
        XCTAssertFalse(PluginCapabilities.sinkCapabilities.contains(.positions))
        XCTAssertEqual(PluginCapabilities([.incremental, .positions]).description, "incremental, positions")
    }
}
