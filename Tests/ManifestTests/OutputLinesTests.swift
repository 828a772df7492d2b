import ETLRuntimeCore
import XCTest

/// What a plugin prints arrives in pieces of any size; it is logged line by line, and a line
/// longer than the limit is cut there, whatever the pieces (the rest up to its newline dropped).
final class OutputLinesTests: XCTestCase {
    private func text(_ lines: [OutputLines.Line]) -> [String] {
        lines.map { String(decoding: $0.bytes, as: UTF8.self) + ($0.wasCut ? "[cut]" : "") }
    }

    func testLinesSplitAcrossPiecesComeOutWhole() {
        var lines = OutputLines(limit: 100)
        XCTAssertEqual(text(lines.append(Array("one\ntw".utf8))), ["one"])
        XCTAssertEqual(text(lines.append(Array("o\n\nthr".utf8))), ["two", ""])
        XCTAssertEqual(text(lines.finish().map { [$0] } ?? []), ["thr"])
        XCTAssertNil(lines.finish())
    }

    func testALongLineIsCutAtTheLimitAndTheNextLineIsKept() {
        var lines = OutputLines(limit: 4)
        XCTAssertEqual(text(lines.append(Array("abcdefgh\nok\n".utf8))), ["abcd[cut]", "ok"])
    }

    func testALongLineArrivingInPiecesIsCutOnceAndItsRestDropped() {
        var lines = OutputLines(limit: 4)
        XCTAssertEqual(text(lines.append(Array("abc".utf8))), [])
        XCTAssertEqual(text(lines.append(Array("defg".utf8))), ["abcd[cut]"])
        XCTAssertEqual(text(lines.append(Array("hijk".utf8))), [])
        XCTAssertEqual(text(lines.append(Array("lm\nnext\n".utf8))), ["next"])
        XCTAssertNil(lines.finish())
    }
}
