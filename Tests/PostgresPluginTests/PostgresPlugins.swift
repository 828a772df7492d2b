import ETLArrow
import ETLRuntimeCore
import PluginTestSupport
import PostgresTestSupport
import TestSupport
import XCTest

/// libetl_postgres.so, loaded through the runtime's own loader (the path `etl-runtime run` takes).
enum PostgresPlugins {
    static var libraryPath: String { TestPaths.buildDirectory + "/libetl_postgres.so" }

    static func sinkPlugin() throws -> LoadedPlugin {
        let library = try PluginLibraryLoader.load(libraryPath).get()
        return try XCTUnwrap(library.plugins.first { $0.info.name == "postgres" && $0.info.kind == .sink }, "no postgres sink in \(libraryPath)")
    }

    /// A sink instance with the given config JSON.
    static func sink(configJSON: String, entryID: String = "entry") throws -> SinkInstance {
        try SinkInstance(plugin: try sinkPlugin(), configJSON: configJSON, entryID: entryID)
    }
}

/// A fresh database per test, a sink writing it, and a direct libpq connection to inspect it.
class PostgresSinkTestCase: XCTestCase {
    var database: PostgresTestDatabase!

    override func setUpWithError() throws {
        database = try PostgresTestDatabase()
    }

    override func tearDown() {
        database = nil
    }

    /// A sink on the test's database (over the socket, as the trusted superuser).
    func makeSink(_ extraConfig: String = "") throws -> SinkInstance {
        try PostgresPlugins.sink(configJSON: database.sinkConfig(extraConfig))
    }

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

    /// Rows of a query on the test's database, as PostgreSQL's text.
    func rows(_ sql: String) throws -> [[String?]] { try database.connection.rows(sql) }

}
