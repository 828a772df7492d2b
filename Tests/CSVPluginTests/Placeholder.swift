import XCTest
final class CSVPluginTestsPlaceholder: XCTestCase { func testNothing() {} }
