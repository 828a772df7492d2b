import XCTest
final class SQLitePluginTestsPlaceholder: XCTestCase { func testNothing() {} }
