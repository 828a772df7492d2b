import CETLPlugin
import ETLRuntimeCore
import Foundation
import TestSupport
import XCTest

/// The loader refuses every broken library with its path and a reason, and never
/// crashes; well-formed libraries come back with their descriptors.
final class PluginLoadingTests: XCTestCase {
    /// Fixture folders live as long as the test (loading happens after `build`).
    private func loadFailure(_ path: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        switch PluginLibraryLoader.load(path) {
        case .success: XCTFail("\(path) loaded but should have been refused", file: file, line: line); return ""
        case .failure(let failure):
            XCTAssertEqual(failure.libraryPath, path, file: file, line: line)
            return failure.reason
        }
    }

    func testCExampleBuiltWithPlainCCOffersTwoSources() throws {
        let fixtures = FixturePlugins()
        let path = try fixtures.buildCExample()
        let library = try PluginLibraryLoader.load(path).get()
        XCTAssertEqual(library.abiMajor, 1)
        XCTAssertEqual(library.plugins.map(\.info.name).sorted(), ["datagen", "lines"])
        let lines = try XCTUnwrap(library.plugins.first { $0.info.name == "lines" })
        XCTAssertEqual(lines.info.kind, .source)
        XCTAssertTrue(lines.info.capabilities.contains("incremental"))
        XCTAssertTrue(lines.info.configSchemaJSON.contains("\"path\""))
        XCTAssertEqual(lines.info.abiVersion, "1.4")
    }

    func testTextFileNamedLikeAPluginIsReportedAsNotLoadable() throws {
        let fixtures = FixturePlugins()
        let path = try fixtures.placeTextFile(as: "not_elf")
        let reason = loadFailure(path)
        XCTAssertTrue(reason.hasPrefix("not a loadable shared library ("), reason)
    }

    func testLibraryWithoutEntrySymbolIsRefused() throws {
        let fixtures = FixturePlugins()
        let path = try fixtures.build("no_entry")
        XCTAssertEqual(
            loadFailure(path),
            "does not export etl_plugin_entry; build it against etl_plugin.h and mark the entry ETL_PLUGIN_EXPORT")
    }

    func testLibraryBuiltForAnotherABIMajorIsRefusedNamingBothVersions() throws {
        let fixtures = FixturePlugins()
        let path = try fixtures.build("wrong_major")
        XCTAssertEqual(
            loadFailure(path),
            "built for plugin ABI 2.0, this etl-runtime speaks ABI 1.4; rebuild the plugin against etl_plugin.h 1.x")
    }

    func testEntryThatFailsIsReportedWithThePluginsMessage() throws {
        let fixtures = FixturePlugins()
        let path = try fixtures.build("init_error")
        XCTAssertEqual(
            loadFailure(path), "etl_plugin_entry failed (invalid config): needs LICENSE_KEY in the environment")
    }

    func testDescriptorSmallerThanABI1IsRefused() throws {
        let fixtures = FixturePlugins()
        let path = try fixtures.build("bad_descriptor", defines: ["BAD_STRUCT_SIZE"])
        XCTAssertEqual(
            loadFailure(path),
            "plugins[0]: descriptor struct_size is 8, smaller than ABI 1.0's 64; set struct_size = sizeof(etl_plugin_descriptor)")
    }

    func testDescriptorOfUnknownKindIsRefused() throws {
        let fixtures = FixturePlugins()
        let path = try fixtures.build("bad_descriptor", as: "bad_kind", defines: ["BAD_KIND"])
        XCTAssertEqual(
            loadFailure(path),
            "plugin \"bad_kind\": unknown kind 99; expected ETL_KIND_SOURCE (1) or ETL_KIND_SINK (2)")
    }

    func testDescriptorWithoutNameIsRefused() throws {
        let fixtures = FixturePlugins()
        let path = try fixtures.build("bad_descriptor", as: "no_name", defines: ["BAD_NULL_NAME"])
        XCTAssertEqual(loadFailure(path), "plugins[0]: descriptor name is NULL")
    }

    func testPluginFileWritableByOthersIsRefusedBeforeLoading() throws {
        let fixtures = FixturePlugins()
        let path = try fixtures.build("tiny_source")
        chmod(path, 0o757)
        let reason = loadFailure(path)
        XCTAssertEqual(
            reason,
            "refused: the file is writable by others (mode 757), so anyone could replace the code etl-runtime would run; fix with chmod o-w \(path)")
    }

    func testPluginFolderWritableByOthersIsRefusedForEveryFileInIt() throws {
        let fixtures = FixturePlugins()
        let path = try fixtures.build("tiny_source")
        chmod(fixtures.folder.path, 0o777)
        defer { chmod(fixtures.folder.path, 0o700) }
        let scan = PluginFileScanner.scan(
            PluginSearchPath(commandLineFolders: [fixtures.folder.path], manifestFolders: [], environment: [:], executablePath: nil))
        XCTAssertEqual(scan.candidates, [])
        XCTAssertEqual(scan.refused.map(\.libraryPath), [path])
        XCTAssertTrue(scan.refused[0].reason.contains("the folder \(fixtures.folder.path) is writable by others (mode 777)"))
    }

    func testOnlyFilesNamedLibetlAreConsidered() throws {
        let fixtures = FixturePlugins()
        try fixtures.build("tiny_source")
        try CCompiler.sharedLibrary("Tests/PluginABITests/Fixtures/tiny_source.c", output: fixtures.folder.file("libother.so"))
        try fixtures.folder.write("libetl_notes.txt", "not a library")
        let scan = PluginFileScanner.scan(
            PluginSearchPath(commandLineFolders: [fixtures.folder.path], manifestFolders: [], environment: [:], executablePath: nil))
        XCTAssertEqual(scan.candidates.map { ($0 as NSString).lastPathComponent }, ["libetl_tiny_source.so"])
    }
}
