import ETLRuntimeCore
import Foundation
import TestSupport
import XCTest

/// `.gz` files and `.zip` members are decompressed as they are read; incremental reads take a
/// compressed file whole, once per change of its bytes.
final class CSVCompressedInputTests: XCTestCase {
    private let files = CSVFixture()

    private func gzip(_ name: String, _ text: String) throws -> String {
        let plain = try files.write(name, text)
        let outcome = try ProcessRunner.run("/usr/bin/gzip", ["-nf", plain])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        return plain + ".gz"
    }

    /// Writes a zip archive of `members` (name → text) with Python's zipfile; `stored` turns
    /// compression off.
    private func zip(_ name: String, _ members: [(String, String)], stored: Bool = false) throws -> String {
        let path = files.path(name)
        let script = """
            import sys, zipfile
            method = zipfile.ZIP_STORED if sys.argv[2] == "stored" else zipfile.ZIP_DEFLATED
            with zipfile.ZipFile(sys.argv[1], "w", method) as archive:
                for i in range(3, len(sys.argv), 2):
                    archive.write(sys.argv[i + 1], arcname=sys.argv[i])
            """
        var arguments = ["-c", script, path, stored ? "stored" : "deflated"]
        for (index, member) in members.enumerated() {
            arguments += [member.0, try files.write("member-\(index).txt", member.1)]
        }
        let outcome = try ProcessRunner.run("/usr/bin/python3", arguments)
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        return path
    }

    private let manyRows = "id,name\n" + (1...200_000).map { "\($0),name \($0)\n" }.joined()

    func testGzipFileLargerThanTheReadBuffersLoadsEveryRowUnderTheStreamNameWithoutGz() throws {
        let path = try gzip("people.csv", manyRows)
        let source = try CSVTestSource.make(["path": path, "columns": [["name": "id", "type": "int64"]]])
        let streams = try source.discover()
        XCTAssertEqual(streams.map(\.name), ["people"])
        let result = try source.readAll(stream: "people")
        XCTAssertEqual(result.rows.count, 200_000)
        XCTAssertEqual(result.rows.last, ["200000", "name 200000"])
    }

    func testConcatenatedGzipMembersReadAsOneFile() throws {
        let first = try gzip("a.csv", "id\n1\n")
        let second = try gzip("b.csv", "2\n")
        let joined = try Data(contentsOf: URL(fileURLWithPath: first)) + Data(contentsOf: URL(fileURLWithPath: second))
        let path = try files.write("joined.csv.gz", bytes: Array(joined))
        XCTAssertEqual(try CSVTestSource.make(["path": path]).readAll(stream: "joined").rows, [["1"], ["2"]])
    }

    func testTruncatedGzipFailsNamingTheFile() throws {
        let full = try Data(contentsOf: URL(fileURLWithPath: try gzip("big.csv", manyRows)))
        let path = try files.write("cut.csv.gz", bytes: Array(full.prefix(full.count / 2)))
        let source = try CSVTestSource.make(["path": path])
        assertPluginError("", ["\(path) ends in the middle of its compressed data (gzip data truncated at compressed byte \(full.count / 2))"]) {
            _ = try source.readAll(stream: "cut")
        }
    }

    func testNotGzipAtAllFailsSayingSo() throws {
        let path = try files.write("plain.csv.gz", "id\n1\n")
        let source = try CSVTestSource.make(["path": path])
        assertPluginError("", ["\(path) is not valid gzip data: incorrect header check"]) {
            _ = try source.readAll(stream: "plain")
        }
    }

    func testZipWithOneDeflatedMemberAndOneStoredMemberLoad() throws {
        let deflated = try zip("d.zip", [("data/rows.csv", manyRows)])
        XCTAssertEqual(try CSVTestSource.make(["path": deflated]).readAll(stream: "d").rows.count, 200_000)
        let stored = try zip("s.zip", [("rows.csv", "id\n7\n")], stored: true)
        XCTAssertEqual(try CSVTestSource.make(["path": stored]).readAll(stream: "s").rows, [["7"]])
    }

    func testZipWithSeveralMembersNeedsZipMemberAndReadsTheOneNamed() throws {
        let path = try zip("both.zip", [("a.csv", "id\n1\n"), ("b.csv", "id\n2\n")])
        let source = try CSVTestSource.make(["path": path])
        assertPluginError("bad data", ["\(path) holds 2 files (\"a.csv\", \"b.csv\"): set \"zip_member\" to the one to read"]) {
            _ = try source.readAll(stream: "both")
        }
        XCTAssertEqual(try CSVTestSource.make(["path": path, "zip_member": "b.csv"]).readAll(stream: "both").rows, [["2"]])
        assertPluginError("bad data", ["\(path) has no member \"c.csv\" (zip_member); it holds \"a.csv\", \"b.csv\""]) {
            _ = try CSVTestSource.make(["path": path, "zip_member": "c.csv"]).readAll(stream: "both")
        }
    }

    func testEncryptedZipMemberIsRefused() throws {
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: try zip("e.zip", [("a.csv", "id\n1\n")]))))
        // Set bit 0 (encrypted) of the general purpose flags in the local and central headers.
        bytes[6] |= 1
        let central = try XCTUnwrap((0..<(bytes.count - 3)).last { bytes[$0] == 0x50 && bytes[$0 + 1] == 0x4B && bytes[$0 + 2] == 1 && bytes[$0 + 3] == 2 })
        bytes[central + 8] |= 1
        let path = try files.write("e.zip", bytes: bytes)
        assertPluginError("bad data", ["\(path): member a.csv is encrypted"]) {
            _ = try CSVTestSource.make(["path": path]).readAll(stream: "e")
        }
    }

    func testIncrementalReadTakesACompressedFileWholeOncePerChange() throws {
        let path = try gzip("daily.csv", "id\n1\n2\n")
        let source = try CSVTestSource.make(["path": path])
        let first = try source.readAll(stream: "daily", cursor: "$offset")
        XCTAssertEqual(first.rows, [["1"], ["2"]])
        let unchanged = try source.readAll(stream: "daily", state: first.lastCheckpoint, cursor: "$offset")
        XCTAssertEqual(unchanged.rows, [])
        _ = try gzip("daily.csv", "id\n1\n2\n3\n")
        let changed = try source.readAll(stream: "daily", state: unchanged.lastCheckpoint ?? first.lastCheckpoint, cursor: "$offset")
        XCTAssertEqual(changed.rows, [["1"], ["2"], ["3"]])
    }

    func testZipMemberWithGzipCompressionIsAConfigError() throws {
        assertPluginError("invalid config", ["config.zip_member applies only to .zip files, but compression is \"gzip\""]) {
            _ = try CSVTestSource.make(["path": "/tmp/x.gz", "compression": "gzip", "zip_member": "a.csv"])
        }
    }
}
