import ETLRuntimeCore
import XCTest

/// Small objects are searched member by member and large ones through an index; lookups and
/// edits must behave the same on both sides of that line.
final class JSONObjectLookupTests: XCTestCase {
    private func object(_ count: Int) -> JSONObject {
        JSONObject((0..<count).map { ("k\($0)", JSONValue.number(JSONNumber($0))) })
    }

    func testEveryMemberIsFoundInSmallAndLargeObjects() {
        for count in [0, 1, 5, 12, 13, 40] {
            let value = object(count)
            for index in 0..<count { XCTAssertEqual(value["k\(index)"], .number(JSONNumber(index)), "count \(count)") }
            XCTAssertNil(value["missing"], "count \(count)")
        }
    }

    func testGrowingPastTheIndexThresholdKeepsEveryMember() {
        var value = JSONObject()
        for index in 0..<30 {
            value["k\(index)"] = .number(JSONNumber(index))
            XCTAssertEqual(value["k0"], 0, "after \(index + 1) members")
            XCTAssertEqual(value["k\(index)"], .number(JSONNumber(index)))
        }
        XCTAssertEqual(value.keys, (0..<30).map { "k\($0)" })
    }

    func testRemovingMembersBelowTheThresholdKeepsLookupsRight() {
        var value = object(14)
        value["k0"] = nil
        value["k5"] = nil
        value["k13"] = nil
        XCTAssertEqual(value.count, 11)
        XCTAssertNil(value["k5"])
        XCTAssertEqual(value["k12"], 12)
        value["k5"] = "back"
        XCTAssertEqual(value.keys.last, "k5")
        XCTAssertEqual(value["k5"], "back")
    }

    func testReplacingAValueKeepsItsPosition() {
        var value = object(20)
        value["k3"] = "three"
        XCTAssertEqual(value.keys[3], "k3")
        XCTAssertEqual(value["k3"], "three")
        XCTAssertEqual(value.count, 20)
    }
}
