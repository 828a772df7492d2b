import Foundation
import TestSupport
import XCTest

/// A Latin-1 file, as Brazilian open-data portals publish them, through the real binary: read as
/// UTF-8 it fails once with the fix in the message (no flood of rejects, no exit 0); with
/// `"encoding": "latin-1"` it loads with its accents.
final class Latin1FileRunTests: XCTestCase {
    private func workspace(encoding: String?) throws -> RunWorkspace {
        let workspace = RunWorkspace()
        var bytes = Array("id;munic".utf8) + [0xED] + Array("pio\n".utf8)
        for id in 1...2_000 { bytes += Array("\(id);S".utf8) + [0xE3] + Array("o Paulo\n".utf8) }
        try Data(bytes).write(to: URL(fileURLWithPath: workspace.folder.file("cidades.csv")))
        let encodingMember = encoding.map { #", "encoding": "\#($0)""# } ?? ""
        try workspace.manifest(
            sources: #"{"files": {"plugin": "csv", "config": {"path": "cidades.csv", "delimiter": ";"\#(encodingMember)}}}"#,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: #"[{"id": "cidades", "source": "files", "stream": "cidades", "sink": "warehouse", "target": "cidades", "mode": "full"}]"#)
        return workspace
    }

    func testPreviewOfALatin1FileReadAsUTF8FailsOnceAndSaysWhichEncodingToSet() throws {
        let workspace = try workspace(encoding: nil)
        let preview = try workspace.run(["preview", "cidades", "--limit", "2"])
        XCTAssertNotEqual(preview.status, 0, preview.stdout)
        let output = preview.stdout + preview.stderr
        XCTAssertTrue(output.contains("cidades.csv:1 is not valid UTF-8: byte 0xED at byte 9 of the line"), output)
        XCTAssertTrue(output.contains("\"encoding\": \"latin-1\""), output)
        XCTAssertLessThan(output.components(separatedBy: "not valid UTF-8").count - 1, 3, output)
    }

    func testRunWithLatin1EncodingLoadsTheAccentsAsUTF8() throws {
        let workspace = try workspace(encoding: "latin-1")
        let run = try workspace.run(["run"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try workspace.warehouseQuery("SELECT count(*), min(\"município\") FROM cidades"), "2000|São Paulo\n")
    }
}
