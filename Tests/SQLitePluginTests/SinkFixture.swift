import ETLArrow
import ETLRuntimeCore
import PluginTestSupport
import TestSupport
import XCTest

/// A fresh warehouse file per test, a sink writing it, and a direct connection to inspect it.
class SinkTestCase: XCTestCase {
    var folder: TemporaryDirectory!
    var path: String!
    var database: TestDatabase!

    override func setUpWithError() throws {
        folder = TemporaryDirectory("sqlite-sink")
        path = folder.file("warehouse.db")
        database = try TestDatabase(path)
    }

    override func tearDown() {
        database = nil
        folder = nil
    }

    /// A sink instance on the test's warehouse.
    func makeSink(_ extraConfig: String = "") throws -> SinkInstance {
        try SQLitePlugins.sink(path: path, extraConfig: extraConfig)
    }

    /// A load request for `target`; `options` is the request's options_json.
    func request(_ target: String, _ schema: ArrowSchemaDescription, mode: WriteMode, key: [String] = [],
                 entry: String = "entry", options: String? = nil) -> LoadRequest {
        LoadRequest(entryID: entry, runID: "run-1", target: target, writeMode: mode, primaryKey: key, schema: schema,
                    optionsJSON: options)
    }

    /// begin → one write per batch → commit; returns the rows the sink counted.
    @discardableResult
    func load(_ sink: SinkInstance, _ target: String, _ schema: ArrowSchemaDescription, _ batches: [[[Cell]]],
              mode: WriteMode, key: [String] = [], state: String? = nil, entry: String = "entry",
              options: String? = nil) throws -> Int64 {
        try sink.begin(request(target, schema, mode: mode, key: key, entry: entry, options: options))
        for rows in batches { try sink.write(try Batches.make(schema, rows)) }
        return try sink.commit(stateJSON: state)
    }
}
