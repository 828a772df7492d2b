import ETLArrow
import ETLRuntimeCore
import Foundation
import PluginTestSupport
import TestSupport
import XCTest

/// libetl_parquet.so loaded through the runtime's own loader, a sink instance on a fresh output
/// folder, and helpers to load batches and look at what was published.
class ParquetSinkTestCase: XCTestCase {
    var folder: TemporaryDirectory!
    var lake: String!

    override func setUpWithError() throws {
        folder = TemporaryDirectory("parquet-sink")
        lake = folder.file("lake")
    }

    override func tearDown() { folder = nil }

    static var libraryPath: String { TestPaths.buildDirectory + "/libetl_parquet.so" }

    static func sinkPlugin() throws -> LoadedPlugin {
        let library = try PluginLibraryLoader.load(libraryPath).get()
        return try XCTUnwrap(library.plugins.first { $0.info.name == "parquet" && $0.info.kind == .sink }, "no parquet sink in \(libraryPath)")
    }

    /// A sink writing `lake`, with extra config members as JSON text (`, "compression": "zstd"`).
    func makeSink(_ extraConfig: String = "", entryID: String = "entry") throws -> SinkInstance {
        try SinkInstance(plugin: try Self.sinkPlugin(), configJSON: "{\"path\": \"\(lake!)\"\(extraConfig)}", entryID: entryID)
    }

    /// begin → one write per batch → commit.
    @discardableResult
    func load(_ sink: SinkInstance, _ target: String, _ schema: ArrowSchemaDescription, _ batches: [[[Cell]]],
              mode: WriteMode, state: String? = nil, entry: String = "entry", run: String = "run-1") throws -> Int64 {
        try sink.begin(LoadRequest(entryID: entry, runID: run, target: target, writeMode: mode, schema: schema))
        for rows in batches { try sink.write(try Batches.make(schema, rows)) }
        return try sink.commit(stateJSON: state)
    }

    /// Every file below `path`, relative to it, sorted (hidden and temporary files included).
    func files(_ path: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: path) else { return [] }
        var found: [String] = []
        while let name = enumerator.nextObject() as? String {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: path + "/" + name, isDirectory: &isFolder), !isFolder.boolValue { found.append(name) }
        }
        return found.sorted()
    }

    /// Rows sorted as text, for datasets whose file order is not the load's order.
    func sorted(_ rows: [[String]]) -> [[String]] {
        rows.sorted { $0.joined(separator: "\u{1}") < $1.joined(separator: "\u{1}") }
    }
}
