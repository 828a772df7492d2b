import ETLRuntimeCore
import Foundation
import TestSupport
import XCTest

/// The catalog: search order, name conflicts, and crash isolation through the probe
/// child process.
final class PluginCatalogTests: XCTestCase {
    func testCrashingLibraryCostsOneLineWhenProbedInAChildProcess() throws {
        let fixtures = FixturePlugins()
        let crashing = try fixtures.build("crash_on_load")
        try fixtures.build("tiny_source")
        let catalog = PluginCatalog.discover(
            PluginSearchPath(commandLineFolders: [fixtures.folder.path], manifestFolders: [], environment: [:], executablePath: nil),
            probe: .childProcess(executable: TestPaths.runtimeExecutable))
        XCTAssertEqual(catalog.plugins.map(\.name), ["tiny"])
        XCTAssertEqual(catalog.failures.count, 1)
        XCTAssertEqual(catalog.failures.first?.libraryPath, crashing)
        XCTAssertEqual(
            catalog.failures.first?.reason,
            "crashed while loading (signal 11, Segmentation fault); its etl_plugin_entry or a library constructor faulted")
    }

    func testTwoPluginsWithTheSameNameAreAConflictNamingBothFiles() throws {
        let fixtures = FixturePlugins()
        let example = try fixtures.buildCExample()
        let duplicate = try fixtures.build("duplicate_name")
        let catalog = PluginCatalog.discover(
            PluginSearchPath(commandLineFolders: [fixtures.folder.path], manifestFolders: [], environment: [:], executablePath: nil),
            probe: .inProcess)
        XCTAssertEqual(Set(catalog.duplicateNames["lines"] ?? []), [example, duplicate])
        guard case .unusable(let reason) = catalog.contract(forPlugin: "lines") else {
            return XCTFail("a duplicated name must not resolve")
        }
        XCTAssertTrue(reason.hasPrefix("two plugins are named \"lines\": "), reason)
        XCTAssertTrue(reason.contains(example) && reason.contains(duplicate), reason)
        XCTAssertThrowsError(try catalog.loadPlugin(named: "lines"))
    }

    func testSearchOrderIsCommandLineManifestEnvironmentExecutableInstalled() {
        let path = PluginSearchPath(
            commandLineFolders: ["/a"], manifestFolders: ["/b"], environment: ["ETL_PLUGIN_PATH": "/c:/d"],
            executablePath: "/opt/etl/bin/etl-runtime")
        XCTAssertEqual(path.folders.map(\.path), ["/a", "/b", "/c", "/d", "/opt/etl/bin", "/opt/etl/lib/etl-runtime/plugins"])
        XCTAssertEqual(
            path.folders.map(\.origin),
            ["--plugin-dir", "manifest plugin_dirs", "ETL_PLUGIN_PATH", "ETL_PLUGIN_PATH", "executable folder", "installed plugin folder"])
    }

    func testAFolderReachedTwiceIsSearchedOnce() {
        let path = PluginSearchPath(commandLineFolders: ["/a", "/a/"], manifestFolders: ["/a"], environment: [:], executablePath: nil)
        XCTAssertEqual(path.folders.map(\.path), ["/a"])
    }

    func testUnknownPluginNameListsTheAvailableOnes() throws {
        let fixtures = FixturePlugins()
        try fixtures.buildCExample()
        let catalog = PluginCatalog.discover(
            PluginSearchPath(commandLineFolders: [fixtures.folder.path], manifestFolders: [], environment: [:], executablePath: nil),
            probe: .inProcess)
        guard case .notFound(let available) = catalog.contract(forPlugin: "csv") else {
            return XCTFail("csv is not in the folder")
        }
        XCTAssertEqual(available, ["datagen", "lines"])
    }
}
