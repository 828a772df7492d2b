import ETLRuntimeCore
import PluginTestSupport
import TestSupport
import XCTest

/// Asked for positions, the http source ends every row with `_etl_position`: `<page URL> record
/// <index>`, the text a reject of that record gives, on every page of a paginated read.
final class HTTPPositionTests: XCTestCase {
    private var server: MockAPIServer!

    override func setUpWithError() throws {
        server = try MockAPIServer(tasks: 40)
    }

    override func tearDown() {
        server = nil
    }

    private func stream(assigneeType: String) -> [String: Any] {
        ["path": "/page/tasks", "records_path": "$.tasks",
         "columns": [["name": "id", "type": "int64"], ["name": "assignee", "path": "$.assignees[0].username", "type": assigneeType]],
         "pagination": ["type": "page_number", "size_param": "per_page", "page_size": 10, "total_path": "$.total"]]
    }

    private func read(assigneeType: String, positions: Bool = true, batchSize: Int64 = 10_000) throws -> SourceReadResult {
        let request = ReadRequest(entryID: "http_test", stream: "tasks", batchSize: batchSize)
        return try HTTPTestPlugin.source(server, stream: stream(assigneeType: assigneeType))
            .readAll(positions ? request.askingForPositions() : request)
    }

    /// id → position of every loaded row.
    private func positionsByID(_ result: SourceReadResult) -> [Int: String] {
        Dictionary(uniqueKeysWithValues: zip(result.rows.map { Int($0[0]!)! }, result.positions.map { $0! }))
    }

    func testEveryRowNamesItsPageAndItsIndexOnThePage() throws {
        let result = try read(assigneeType: "text", batchSize: 7)
        XCTAssertEqual(result.schema.fields.map(\.name), ["id", "assignee", "_etl_position"])
        XCTAssertEqual(result.ids, Array(1...40))
        let positions = result.positions.map { $0! }
        // Task 1 is record 0 of page 1; task 23 record 2 of page 3; task 40 record 9 of page 4.
        XCTAssertTrue(positions[0].hasSuffix(" record 0") && positions[0].contains("/page/tasks") && positions[0].contains("page=1"), positions[0])
        XCTAssertTrue(positions[22].hasSuffix(" record 2") && positions[22].contains("page=3"), positions[22])
        XCTAssertTrue(positions[39].hasSuffix(" record 9") && positions[39].contains("page=4"), positions[39])
        XCTAssertEqual(Set(positions).count, 40, "every record has its own position")
    }

    func testARecordsPositionIsWhatItsRejectSays() throws {
        // Typed int64, every task with an assignee (a username) is rejected; tasks 5, 10, ... load.
        let typed = try read(assigneeType: "int64")
        XCTAssertEqual(typed.ids, Array(stride(from: 5, through: 40, by: 5)))
        XCTAssertEqual(typed.rejects.count, 32)
        let all = positionsByID(try read(assigneeType: "text"))
        XCTAssertEqual(all.count, 40)
        for reject in typed.rejects {
            guard case .object(let record) = try JSONValue(parsing: reject.raw), case .number(let id)? = record["id"] else {
                return XCTFail("reject raw is not a task: \(reject.raw)")
            }
            XCTAssertEqual(reject.position, all[Int(id.int64Value!)], "task \(id)")
        }
        // Rows loaded between rejects keep their own index on the page, not their row number.
        XCTAssertEqual(positionsByID(typed), all.filter { $0.key % 5 == 0 })
    }

    func testWithoutTheOptionTheStreamIsUnchanged() throws {
        let plain = try read(assigneeType: "text", positions: false)
        XCTAssertEqual(plain.schema.fields.map(\.name), ["id", "assignee"])
        XCTAssertEqual(plain.rows, try read(assigneeType: "text").rowsWithoutPositions)
    }

    func testTheSourceDeclaresThePositionsCapability() throws {
        XCTAssertTrue(try HTTPTestPlugin.plugin(sink: false).info.capabilities.contains("positions"))
    }
}
