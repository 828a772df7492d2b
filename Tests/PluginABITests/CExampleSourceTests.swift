import ETLArrow
import ETLRuntimeCore
import Foundation
import TestSupport
import XCTest

/// The SDK's plain-C example, built with `cc -shared` alone, read through the runtime's
/// plugin wrappers: the same path `run` takes.
final class CExampleSourceTests: XCTestCase {
    private var fixtures: FixturePlugins!
    private var library: PluginLibrary!

    override func setUpWithError() throws {
        fixtures = FixturePlugins()
        library = try PluginLibraryLoader.load(try fixtures.buildCExample()).get()
    }

    private func plugin(_ name: String) throws -> LoadedPlugin {
        try XCTUnwrap(library.plugins.first { $0.info.name == name })
    }

    private func readAll(_ read: SourceReadStream) throws -> [[String]] {
        var rows: [[String]] = []
        while let batch = try read.stream.next() {
            for row in 0..<batch.rowCount {
                rows.append([
                    String(batch.column(0).int64(row)), batch.column(1).string(row), String(batch.column(2).int64(row)),
                ])
            }
        }
        return rows
    }

    func testLinesReadsEveryCompleteLineAndRejectsInvalidUTF8WithItsPosition() throws {
        let data = fixtures.folder.file("app.log")
        var bytes = Array("first\r\nsecond\n".utf8)
        bytes += [0x66, 0xFF, 0x0A]  // "f\xFF\n": not UTF-8
        bytes += Array("third\npartial".utf8)
        XCTAssertTrue(FileManager.default.createFile(atPath: data, contents: Data(bytes)))
        let source = try SourceInstance(
            plugin: try plugin("lines"), configJSON: #"{"path": "\#(data)"}"#, entryID: "app_log")
        try source.check()
        let read = try source.read(ReadRequest(entryID: "app_log", stream: "lines", batchSize: 2))
        XCTAssertEqual(try readAll(read), [["1", "first", "0"], ["2", "second", "7"], ["4", "third", "17"]])
        let rejects = source.context.takeRejects()
        XCTAssertEqual(rejects.map(\.position), ["\(data):3"])
        // The partial last line is not emitted: the state points at its first byte.
        let state = try XCTUnwrap(source.checkpoint())
        XCTAssertTrue(state.contains("\"offset\":23") || state.contains("\"offset\": 23"), state)
    }

    func testLinesResumesFromItsCheckpointWithoutRereading() throws {
        let data = fixtures.folder.file("grow.log")
        try "a\nb\n".write(toFile: data, atomically: false, encoding: .utf8)
        let plugin = try plugin("lines")
        let first = try SourceInstance(plugin: plugin, configJSON: #"{"path": "\#(data)"}"#, entryID: "grow")
        XCTAssertEqual(try readAll(try first.read(ReadRequest(entryID: "grow", stream: "lines"))).map { $0[1] }, ["a", "b"])
        let state = try XCTUnwrap(first.checkpoint())
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: data))
        handle.seekToEndOfFile()
        handle.write(Data("c\n".utf8))
        try handle.close()
        let second = try SourceInstance(plugin: plugin, configJSON: #"{"path": "\#(data)"}"#, entryID: "grow")
        let rows = try readAll(try second.read(ReadRequest(entryID: "grow", stream: "lines", stateJSON: state)))
        XCTAssertEqual(rows, [["3", "c", "4"]])
    }

    func testLinesRefusesAFileThatShrankBelowItsCheckpoint() throws {
        let data = fixtures.folder.file("shrink.log")
        try "one\ntwo\n".write(toFile: data, atomically: false, encoding: .utf8)
        let plugin = try plugin("lines")
        let first = try SourceInstance(plugin: plugin, configJSON: #"{"path": "\#(data)"}"#, entryID: "shrink")
        _ = try readAll(try first.read(ReadRequest(entryID: "shrink", stream: "lines")))
        let state = try XCTUnwrap(first.checkpoint())
        let truncate = try XCTUnwrap(FileHandle(forWritingAtPath: data))
        try truncate.truncate(atOffset: 2)
        try truncate.close()
        let second = try SourceInstance(plugin: plugin, configJSON: #"{"path": "\#(data)"}"#, entryID: "shrink")
        XCTAssertThrowsError(try second.read(ReadRequest(entryID: "shrink", stream: "lines", stateJSON: state))) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("bad data"), text)
            XCTAssertTrue(text.contains("state reset"), text)
        }
    }

    func testDiscoverReportsEveryColumnTypeOfDatagen() throws {
        let source = try SourceInstance(plugin: try plugin("datagen"), configJSON: #"{"rows": 3, "seed": 1}"#, entryID: nil)
        let streams = try source.discover()
        XCTAssertEqual(streams.map(\.name), ["rows"])
        XCTAssertEqual(
            streams[0].schema.fields.map(\.type),
            [.int64, .bool, .double, .utf8, .binary, .timestampMicrosecondsUTC, .date32, .null])
    }

    func testBadConfigIsRefusedAtCreateWithThePathOfTheValue() throws {
        XCTAssertThrowsError(
            try SourceInstance(plugin: try plugin("lines"), configJSON: #"{"path": 7}"#, entryID: "x")
        ) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("invalid config"), text)
            XCTAssertTrue(text.contains("path"), text)
        }
    }

    func testLinesRefusesAStateOfAnotherShapeNamingTheKeyAndTheReset() throws {
        let data = fixtures.folder.file("state.log")
        try "a\n".write(toFile: data, atomically: false, encoding: .utf8)
        let source = try SourceInstance(plugin: try plugin("lines"), configJSON: #"{"path": "\#(data)"}"#, entryID: "logs")
        let cases = [
            #"{"offset": "12", "line": 1, "size": 2, "inode": 1}"#: "lines: state $.offset: expected an integer, found a string",
            #"{"offset": 0, "size": 2, "inode": 1}"#: "lines: state.line is required",
            #"{"offset": -1, "line": 0, "size": 2, "inode": 1}"#:
                "lines: state.offset: expected an integer from 0 to 9223372036854775807, got -1",
        ]
        for (state, expected) in cases {
            XCTAssertThrowsError(try source.read(ReadRequest(entryID: "logs", stream: "lines", stateJSON: state))) { error in
                let text = "\(error)"
                XCTAssertTrue(text.contains(expected), text)
                XCTAssertTrue(text.contains("Reset it with: etl-runtime state reset logs"), text)
            }
        }
    }

    func testDatagenStartsAtTheRowIndexInitialValueGivesAndTakesANullStateAsNone() throws {
        let source = try SourceInstance(plugin: try plugin("datagen"), configJSON: #"{"rows": 5}"#, entryID: "fake")
        var ids: [Int64] = []
        let read = try source.read(ReadRequest(entryID: "fake", stream: "rows", stateJSON: "null", initialValueJSON: "3"))
        while let batch = try read.stream.next() { ids += (0..<batch.rowCount).map { batch.column(0).int64($0) } }
        XCTAssertEqual(ids, [3, 4])
        let another = try SourceInstance(plugin: try plugin("datagen"), configJSON: #"{"rows": 5}"#, entryID: "fake")
        XCTAssertThrowsError(try another.read(ReadRequest(entryID: "fake", stream: "rows", initialValueJSON: #""x""#))) { error in
            XCTAssertTrue("\(error)".contains("datagen: initial_value must be a row index (an integer >= 0)"), "\(error)")
        }
    }
}
