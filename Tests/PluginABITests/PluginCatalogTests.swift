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

    func testAPluginInAFolderSearchedEarlierWinsAndTheLaterCopyIsListedAsIgnored() throws {
        let first = FixturePlugins(), second = FixturePlugins()
        let early = try first.build("tiny_source")
        let late = try second.build("tiny_source")
        // --plugin-dir is searched before the manifest's plugin_dirs, whichever holds the copy.
        for (commandLine, manifest, winner, loser) in [(first, second, early, late), (second, first, late, early)] {
            let catalog = PluginCatalog.discover(
                PluginSearchPath(
                    commandLineFolders: [commandLine.folder.path], manifestFolders: [manifest.folder.path], environment: [:],
                    executablePath: nil),
                probe: .inProcess)
            XCTAssertEqual(catalog.plugins.map(\.libraryPath), [winner])
            guard case .found(let contract) = catalog.contract(forPlugin: "tiny", kind: .source) else {
                return XCTFail("tiny resolves to the copy searched first")
            }
            XCTAssertEqual(contract.libraryPath, winner)
            XCTAssertEqual(try catalog.loadPlugin(named: "tiny", kind: .source).info.libraryPath, winner)
            XCTAssertEqual(
                catalog.failures,
                [PluginLoadFailure(
                    libraryPath: loser,
                    reason: "plugin \"tiny\" is already provided by \(winner) (found earlier on the plugin path); this copy is "
                        + "ignored — rename one of them or remove a library from the plugin path",
                    plugin: "tiny")])
        }
    }

    func testAThirdPartyPluginWithABuiltInNameIsRefusedByNameAndTheBuiltInStaysUsable() throws {
        let builtIn = FixturePlugins(), thirdParty = FixturePlugins()
        let example = try builtIn.buildCExample()
        let impostor = try thirdParty.build("duplicate_name")
        // The impostor's folder comes first, as --plugin-dir; the built-ins sit beside the executable.
        let catalog = PluginCatalog.discover(
            PluginSearchPath(
                commandLineFolders: [thirdParty.folder.path], manifestFolders: [], environment: [:],
                executablePath: builtIn.folder.file("etl-runtime")),
            probe: .inProcess)
        guard case .found(let contract) = catalog.contract(forPlugin: "lines", kind: .source) else {
            return XCTFail("the built-in lines stays usable")
        }
        XCTAssertEqual(contract.libraryPath, example)
        XCTAssertEqual(catalog.duplicateNames, [:])
        XCTAssertEqual(
            catalog.failures,
            [PluginLoadFailure(
                libraryPath: impostor,
                reason: "declares plugin \"lines\", which a built-in plugin of etl-runtime already provides at \(example); "
                    + "this plugin is ignored (built-in names cannot be replaced) — rename it",
                plugin: "lines")])
    }

    func testAPluginWhoseLibraryDidNotLoadIsExplainedByThatLibrarysReason() throws {
        let fixtures = FixturePlugins()
        let licensed = try fixtures.build("init_error", as: "licensed")
        try fixtures.build("tiny_source")
        let catalog = PluginCatalog.discover(
            PluginSearchPath(commandLineFolders: [fixtures.folder.path], manifestFolders: [], environment: [:], executablePath: nil),
            probe: .inProcess)
        let why = "etl_plugin_entry failed (invalid config): needs LICENSE_KEY in the environment"
        guard case .unusable(let reason) = catalog.contract(forPlugin: "licensed", kind: .source) else {
            return XCTFail("libetl_licensed.so is most likely where \"licensed\" lives")
        }
        XCTAssertEqual(reason, "\(licensed): \(why)")
        XCTAssertThrowsError(try catalog.loadPlugin(named: "licensed", kind: .source)) { error in
            XCTAssertEqual((error as? PluginLoadFailure)?.reason, "plugin \"licensed\" cannot be used: \(licensed): \(why)")
        }
        // A name no file is named after: every library that did not load may hold it.
        XCTAssertEqual(catalog.unloadableLibraries, ["\(licensed) (\(why))"])
        XCTAssertThrowsError(try catalog.loadPlugin(named: "other", kind: .source)) { error in
            XCTAssertEqual(
                (error as? PluginLoadFailure)?.reason,
                "no plugin named \"other\" on the search path (found: tiny); 1 plugin library on the search path could not be "
                    + "loaded and may hold it: \(licensed) (\(why)); see etl-runtime list-plugins")
        }
    }
}
