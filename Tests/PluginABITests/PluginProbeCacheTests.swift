import Foundation
import TestSupport
import XCTest

@testable import ETLRuntimeCore

/// The probe cache: an unchanged library is answered from the cache (no probe process);
/// any change to the file, or another runtime version, makes it probe again.
final class PluginProbeCacheTests: XCTestCase {
    private func cache(in folder: TemporaryDirectory) -> PluginProbeCache {
        PluginProbeCache(environment: ["ETL_PLUGIN_PROBE_CACHE": folder.file("cache/probes")])
    }

    func testAnUnchangedLibraryIsAnsweredFromTheCacheAcrossProcesses() throws {
        let fixtures = FixturePlugins()
        let path = try fixtures.build("tiny_source")
        var writer = cache(in: fixtures.folder)
        let probed = PluginProber.probe([path], mode: .inProcess)[0]
        writer.store(path, probed)
        writer.save()
        let reader = cache(in: fixtures.folder)
        XCTAssertEqual(try reader.lookup(path)?.get().map(\.name), ["tiny"])
    }

    func testAChangedLibraryIsProbedAgain() throws {
        let fixtures = FixturePlugins()
        let path = try fixtures.build("tiny_source")
        var writer = cache(in: fixtures.folder)
        writer.store(path, .failure(PluginLoadFailure(libraryPath: path, reason: "remembered")))
        writer.save()
        XCTAssertNotNil(cache(in: fixtures.folder).lookup(path))
        try fixtures.build("tiny_source", defines: ["TINY_SOURCE_ABI_MINOR=9"])
        XCTAssertNil(cache(in: fixtures.folder).lookup(path))
    }

    func testEntriesOfLibrariesThatAreGoneAreDroppedWhenTheCacheIsWritten() throws {
        let fixtures = FixturePlugins()
        let kept = try fixtures.build("tiny_source")
        let gone = fixtures.folder.file("libetl_gone.so")
        try FileManager.default.copyItem(atPath: kept, toPath: gone)
        var writer = cache(in: fixtures.folder)
        writer.store(kept, .success([]))
        writer.store(gone, .success([]))
        writer.save()
        let files = { try FileManager.default.contentsOfDirectory(atPath: fixtures.folder.file("cache/probes")) }
        XCTAssertEqual(try files().count, 2)
        try FileManager.default.removeItem(atPath: gone)
        var next = cache(in: fixtures.folder)
        next.store(kept, .success([]))
        next.save()
        XCTAssertEqual(try files().count, 1)
        XCTAssertNotNil(cache(in: fixtures.folder).lookup(kept))
    }

    func testTheCacheCanBeTurnedOff() throws {
        let fixtures = FixturePlugins()
        let path = try fixtures.build("tiny_source")
        var off = PluginProbeCache(environment: ["ETL_PLUGIN_PROBE_CACHE": "off", "HOME": fixtures.folder.path])
        off.store(path, .success([]))
        off.save()
        XCTAssertNil(off.lookup(path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: fixtures.folder.file(".cache/etl-runtime/plugin-probes")))
    }
}
