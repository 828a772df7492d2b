import Foundation
import TestSupport
import XCTest

/// `etl-runtime list-plugins`, run as a real process.
final class ListPluginsCommandTests: XCTestCase {
    func testListsTheExamplePluginsBesideTheExecutable() throws {
        let cwd = TemporaryDirectory()
        let outcome = try ProcessRunner.etlRuntime(["list-plugins"], currentDirectory: cwd.path)
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let lines = outcome.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(
            lines.first?.split(separator: " ", omittingEmptySubsequences: true),
            ["NAME", "KIND", "VERSION", "ABI", "CAPABILITIES", "USED", "BY", "PATH"])
        let datagen = try XCTUnwrap(lines.first { $0.hasPrefix("datagen ") })
        XCTAssertTrue(datagen.contains(" source "), datagen)
        XCTAssertTrue(datagen.hasSuffix(TestPaths.buildDirectory + "/libetl_example_c.so"), datagen)
        let jsonl = try XCTUnwrap(lines.first { $0.hasPrefix("jsonl ") })
        XCTAssertTrue(jsonl.contains(" sink "), jsonl)
        XCTAssertTrue(jsonl.contains("append,replace"), jsonl)
    }

    func testABrokenLibraryIsOneLineWithItsReasonAndTheOthersStillList() throws {
        let folder = TemporaryDirectory()
        try CCompiler.sharedLibrary("Tests/PluginABITests/Fixtures/crash_on_load.c", output: folder.file("libetl_crash_on_load.so"))
        try CCompiler.sharedLibrary("Tests/PluginABITests/Fixtures/wrong_major.c", output: folder.file("libetl_wrong_major.so"))
        try CCompiler.sharedLibrary("Tests/PluginABITests/Fixtures/tiny_source.c", output: folder.file("libetl_tiny_source.so"))
        let outcome = try ProcessRunner.etlRuntime(["list-plugins", "--plugin-dir", folder.path], currentDirectory: folder.path)
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(outcome.stdout.contains("\ntiny "), outcome.stdout)
        XCTAssertTrue(outcome.stdout.contains("2 plugin libraries not loadable:"), outcome.stdout)
        XCTAssertTrue(
            outcome.stdout.contains(
                "  \(folder.path)/libetl_crash_on_load.so\n    loadable: no — crashed while loading (signal 11, Segmentation fault)"),
            outcome.stdout)
        XCTAssertTrue(
            outcome.stdout.contains(
                "  \(folder.path)/libetl_wrong_major.so\n    loadable: no — built for plugin ABI 2.0, this etl-runtime speaks ABI 1.4"),
            outcome.stdout)
    }

    func testJSONOutputCarriesEachPluginsConfigSchemaAndTheFailures() throws {
        let folder = TemporaryDirectory()
        try CCompiler.sharedLibrary("Tests/PluginABITests/Fixtures/no_entry.c", output: folder.file("libetl_no_entry.so"))
        let outcome = try ProcessRunner.etlRuntime(["list-plugins", "--json", "--plugin-dir", folder.path], currentDirectory: folder.path)
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(document["abi_version"] as? String, "1.4")
        let plugins = try XCTUnwrap(document["plugins"] as? [[String: Any]])
        let lines = try XCTUnwrap(plugins.first { $0["name"] as? String == "lines" })
        let schema = try XCTUnwrap(lines["config_schema"] as? [String: Any])
        XCTAssertEqual(schema["required"] as? [String], ["path"])
        XCTAssertEqual(lines["loadable"] as? Bool, true)
        let failures = try XCTUnwrap(document["not_loadable"] as? [[String: Any]])
        XCTAssertEqual(failures.count, 1)
        XCTAssertEqual(failures.first?["path"] as? String, folder.file("libetl_no_entry.so"))
        XCTAssertEqual(failures.first?["loadable"] as? Bool, false)
    }

    func testPluginsUsedByTheManifestShowTheirEntries() throws {
        let outcome = try ProcessRunner.etlRuntime(
            ["list-plugins", "--manifest", TestPaths.source("examples/logs-to-jsonl.json")], currentDirectory: TestPaths.packageRoot)
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let lines = outcome.stdout.split(separator: "\n").map(String.init)
        let datagen = try XCTUnwrap(lines.first { $0.hasPrefix("datagen ") })
        XCTAssertTrue(datagen.contains(" synthetic_full "), datagen)
    }
}
