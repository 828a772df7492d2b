import XCTest
final class HTTPPluginTestsPlaceholder: XCTestCase { func testNothing() {} }
