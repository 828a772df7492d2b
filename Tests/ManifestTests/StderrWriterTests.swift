import ETLRuntimeCore
import Foundation
import XCTest

/// Log lines are written with write(2): a stream that cannot take them costs the line (counted),
/// never the process.
final class StderrWriterTests: XCTestCase {
    func testALineIsWrittenWhole() throws {
        var ends: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&ends), 0)
        defer { close(ends[0]) }
        let line = String(repeating: "x", count: 3000) + "\n"
        XCTAssertTrue(StderrWriter.write(line, to: ends[1]))
        close(ends[1])
        let read = FileHandle(fileDescriptor: ends[0], closeOnDealloc: false).readDataToEndOfFile()
        XCTAssertEqual(String(decoding: read, as: UTF8.self), line)
    }

    func testAFullDiskDropsTheLineAndCountsIt() throws {
        let full = open("/dev/full", O_WRONLY)
        XCTAssertGreaterThanOrEqual(full, 0)
        defer { close(full) }
        let before = StderrWriter.droppedLines
        XCTAssertFalse(StderrWriter.write("lost\n", to: full))
        XCTAssertEqual(StderrWriter.droppedLines, before + 1)
    }

    func testAClosedDescriptorDropsTheLineAndCountsIt() throws {
        let descriptor = open("/dev/null", O_WRONLY)
        close(descriptor)
        let before = StderrWriter.droppedLines
        XCTAssertFalse(StderrWriter.write("lost\n", to: descriptor))
        XCTAssertEqual(StderrWriter.droppedLines, before + 1)
    }

    func testAPipeWithoutAReaderDropsTheLineAndCountsIt() throws {
        // As the runtime does at start: a reader gone is EPIPE, not death.
        let previous = signal(SIGPIPE, SIG_IGN)
        defer { signal(SIGPIPE, previous) }
        var ends: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&ends), 0)
        close(ends[0])
        defer { close(ends[1]) }
        let before = StderrWriter.droppedLines
        XCTAssertFalse(StderrWriter.write("lost\n", to: ends[1]))
        XCTAssertEqual(StderrWriter.droppedLines, before + 1)
    }
}
