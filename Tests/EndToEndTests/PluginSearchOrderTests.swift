import Foundation
import TestSupport
import XCTest

/// Which library a plugin name means when several declare it: `--plugin-dir` is searched
/// first and wins over the manifest's `plugin_dirs` (the later copy is listed as ignored),
/// and a built-in plugin's name is never taken over by a library elsewhere.
final class PluginSearchOrderTests: XCTestCase {
    func testAPluginInPluginDirWinsOverTheSameNameInTheManifestsPluginDirs() throws {
        let workspace = RunWorkspace()
        let fromManifest = workspace.folder.file("plugins/libetl_tiny_source.so")
        let fromCommandLine = workspace.folder.file("override/libetl_tiny_source.so")
        for library in [fromManifest, fromCommandLine] {
            try FileManager.default.createDirectory(
                atPath: (library as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try CCompiler.sharedLibrary("Tests/PluginABITests/Fixtures/tiny_source.c", output: library)
        }
        try workspace.folder.write(
            "plugins.json",
            """
            {"manifest_version": 1, "plugin_dirs": ["plugins"], "state": {"path": "state/etl_state.db"},
             "sources": {"numbers": {"plugin": "tiny", "config": {"count": 3}}},
             "sinks": {"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}},
             "control_table": [
               {"id": "numbers", "source": "numbers", "stream": "numbers", "sink": "warehouse", "target": "numbers", "mode": "full"}]}
            """)
        let listing = try workspace.run(["list-plugins", "--plugin-dir", "override"])
        XCTAssertEqual(listing.status, 0, listing.stderr)
        let tiny = try XCTUnwrap(listing.stdout.split(separator: "\n").first { $0.hasPrefix("tiny ") })
        XCTAssertTrue(tiny.hasSuffix(fromCommandLine), String(tiny))
        XCTAssertTrue(
            listing.stdout.contains(
                "  \(fromManifest)\n    loadable: no — plugin \"tiny\" is already provided by \(fromCommandLine) (found earlier on "
                    + "the plugin path); this copy is ignored"),
            listing.stdout)
        XCTAssertFalse(listing.stdout.contains("conflict:"), listing.stdout)

        let run = try workspace.run(["run", "--plugin-dir", "override"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("summary entry=numbers status=ok read=3 written=3"), run.stderr)
    }

    func testALibraryDeclaringABuiltInNameIsRefusedByThatNameAndTheBuiltInStillRuns() throws {
        let workspace = RunWorkspace()
        let impostor = workspace.folder.file("vendor/libetl_vendor_csv.so")
        try FileManager.default.createDirectory(atPath: workspace.folder.file("vendor"), withIntermediateDirectories: true)
        try CCompiler.sharedLibrary(
            "Tests/PluginABITests/Fixtures/duplicate_name.c", output: impostor, defines: [#"DUPLICATE_NAME="csv""#])
        try workspace.peopleManifest(mode: "full")
        try workspace.peopleFile(1...4)

        let listing = try workspace.run(["list-plugins", "--plugin-dir", "vendor"])
        XCTAssertEqual(listing.status, 0, listing.stderr)
        let csv = try XCTUnwrap(listing.stdout.split(separator: "\n").first { $0.hasPrefix("csv ") })
        XCTAssertTrue(csv.hasSuffix(TestPaths.buildDirectory + "/libetl_csv.so"), String(csv))
        XCTAssertTrue(
            listing.stdout.contains(
                "  \(impostor)\n    loadable: no — declares plugin \"csv\", which a built-in plugin of etl-runtime already provides "
                    + "at \(TestPaths.buildDirectory)/libetl_csv.so"),
            listing.stdout)

        let run = try workspace.run(["run", "--plugin-dir", "vendor"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("summary entry=people status=ok read=4 written=4"), run.stderr)
    }
}
