import CETLPlugin
import ETLPluginKit
import XCTest

/// How `PluginError` lands in a caller-owned `etl_error`.
final class ErrorMessageTests: XCTestCase {
    func testErrorCodesAreTheHeadersStatusValues() {
        let pairs: [(PluginError.Code, etl_status)] = [
            (.invalidConfig, ETL_INVALID_CONFIG), (.ioError, ETL_IO_ERROR), (.badData, ETL_BAD_DATA),
            (.retryable, ETL_RETRYABLE), (.unsupported, ETL_UNSUPPORTED), (.internalError, ETL_INTERNAL),
            (.cancelled, ETL_CANCELLED),
        ]
        for (code, status) in pairs {
            XCTAssertEqual(code.status, status, "\(code)")
        }
        XCTAssertEqual(PluginError.Code.allCases.count, pairs.count)
    }

    func testShortMessageIsCopiedWhole() {
        let error = CError()
        PluginError.badData("row 3: 'x' is not a number").write(to: error.pointer)
        XCTAssertEqual(error.code, ETL_BAD_DATA)
        XCTAssertEqual(error.message, "row 3: 'x' is not a number")
        XCTAssertEqual(error.pointer.pointee.struct_size, UInt32(MemoryLayout<etl_error>.size))
    }

    func testMessageOfExactlyTheRoomIsNotCut() {
        let text = String(repeating: "a", count: Int(ETL_ERROR_MESSAGE_CAPACITY) - 1)
        let error = CError()
        PluginError.ioError(text).write(to: error.pointer)
        XCTAssertEqual(error.message, text)
    }

    func testOverlongMessageEndsWithAMarkAndANUL() {
        let error = CError()
        PluginError.ioError(String(repeating: "x", count: 5000)).write(to: error.pointer)
        XCTAssertEqual(error.messageBytes.count, Int(ETL_ERROR_MESSAGE_CAPACITY) - 1)
        XCTAssertTrue(error.message.hasSuffix("x..."))
    }

    func testCutNeverSplitsAFourByteCharacter() {
        for prefixLength in 0..<4 {
            let text = String(repeating: "a", count: prefixLength) + String(repeating: "😀", count: 400)
            let error = CError()
            PluginError.ioError(text).write(to: error.pointer)
            let bytes = error.messageBytes
            XCTAssertNotNil(String(validating: bytes, as: UTF8.self), "prefix \(prefixLength)")
            XCTAssertTrue(error.message.hasSuffix("😀..."), "prefix \(prefixLength)")
        }
    }

    func testNULInsideAMessageDoesNotHideTheRest() {
        let error = CError()
        PluginError.badData("before\u{0}after").write(to: error.pointer)
        XCTAssertEqual(error.message, "before after")
    }

    func testWritingToANullErrorIsHarmless() {
        PluginError.internalError("nobody listens").write(to: nil)
    }
}
