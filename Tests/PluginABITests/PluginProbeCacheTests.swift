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

    /// What is read back is what was written, field for field: text with quotes, escapes and
    /// non-ASCII letters, a missing options schema, and numbers beyond 2^53 in the identity.
    func testAnEntryReadsBackAsItWasWritten() throws {
        let fixtures = FixturePlugins()
        let path = try fixtures.build("tiny_source")
        let plugins = [
            PluginInfo(name: "tiny", kind: .source, version: "1.2.3-beta \"q\"", description: "Reads — «numbers»\n\ttab",
                       capabilities: ["ETL_CAP_INCREMENTAL", "ETL_CAP_DISCOVER"], configSchemaJSON: #"{"type": "object", "pattern": "^\\d+$"}"#,
                       abiVersion: "1.4", libraryPath: path, entryOptionsSchemaJSON: #"{"properties": {}}"#),
            PluginInfo(name: "other", kind: .sink, version: "", description: "", capabilities: [], configSchemaJSON: "{}",
                       abiVersion: "1.0", libraryPath: path),
        ]
        var writer = cache(in: fixtures.folder)
        writer.store(path, .success(plugins))
        writer.save()
        XCTAssertEqual(try cache(in: fixtures.folder).lookup(path)?.get(), plugins)
        let identity = try XCTUnwrap(PluginProbeCache.FileIdentity(path: path))
        let large = PluginProbeCache.FileIdentity(device: UInt64.max - 1, inode: 1 << 60, size: identity.size,
                                                  modifiedNanoseconds: Int64.max - 7, changedNanoseconds: identity.changedNanoseconds)
        var entry = PluginProbeCache.Entry(runtime: "r", path: path, identity: large)
        entry.error = "failed: \"why\""
        entry.timedOutAfterSeconds = 2.5
        let read = try XCTUnwrap(PluginProbeCache.Entry(cacheFile: Array(JSONEncoder().encode(entry))))
        XCTAssertEqual(read.identity, large)
        XCTAssertEqual(read.error, entry.error)
        XCTAssertEqual(read.timedOutAfterSeconds, 2.5)
        XCTAssertNil(read.plugins)
    }

    /// A file cut short or not in the cache's layout only costs a probe.
    func testAnUnreadableEntryIsProbedAgain() throws {
        let fixtures = FixturePlugins()
        let path = try fixtures.build("tiny_source")
        var writer = cache(in: fixtures.folder)
        writer.store(path, .success([]))
        writer.save()
        let folder = fixtures.folder.file("cache/probes")
        let file = folder + "/" + (try XCTUnwrap(FileManager.default.contentsOfDirectory(atPath: folder).first))
        let written = try Data(contentsOf: URL(fileURLWithPath: file))
        XCTAssertNotNil(cache(in: fixtures.folder).lookup(path))
        for broken in [written.prefix(written.count / 2), Data(#"{"runtime": 1}"#.utf8),
                       Data(String(decoding: written, as: UTF8.self).replacingOccurrences(of: #""plugins":[]"#, with: #""plugins":[1]"#).utf8)] {
            try broken.write(to: URL(fileURLWithPath: file))
            XCTAssertNil(cache(in: fixtures.folder).lookup(path), String(decoding: broken, as: UTF8.self))
        }
    }
}
