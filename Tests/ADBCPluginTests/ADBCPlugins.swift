import ETLArrow
import ETLRuntimeCore
import PluginTestSupport
import TestSupport
import XCTest

/// libetl_adbc.so through the runtime's own loader, and the real ADBC driver libraries from the
/// project's venv (the adbc-driver-sqlite and adbc-driver-postgresql wheels, `make venv`).
enum ADBCPlugins {
    static var libraryPath: String { TestPaths.buildDirectory + "/libetl_adbc.so" }

    static func plugin(_ kind: PluginKind) throws -> LoadedPlugin {
        let library = try PluginLibraryLoader.load(libraryPath).get()
        return try XCTUnwrap(library.plugins.first { $0.info.name == "adbc" && $0.info.kind == kind }, "no adbc \(kind) in \(libraryPath)")
    }

    static func sink(_ configJSON: String, entryID: String = "entry") throws -> SinkInstance {
        try SinkInstance(plugin: try plugin(.sink), configJSON: configJSON, entryID: entryID)
    }

    static func source(_ configJSON: String, entryID: String = "entry") throws -> SourceInstance {
        try SourceInstance(plugin: try plugin(.source), configJSON: configJSON, entryID: entryID)
    }

    /// The driver library inside an installed wheel, e.g. `driverPath("sqlite")`.
    static func driverPath(_ name: String) throws -> String {
        let folder = try ProjectPython.packageFolder("adbc_driver_\(name)")
        return "\(folder)/libadbc_driver_\(name).so"
    }

    /// `text` as a JSON string literal.
    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

/// A test that loads through the adbc sink: requests and the begin → write → commit cycle.
class ADBCSinkTestCase: XCTestCase {
    /// A load request for `target`; `options` is the request's options_json.
    func request(_ target: String, _ schema: ArrowSchemaDescription, mode: WriteMode, entry: String = "entry",
                 run: String = "run-1", options: String? = nil) -> LoadRequest {
        LoadRequest(entryID: entry, runID: run, target: target, writeMode: mode, schema: schema, optionsJSON: options)
    }

    /// begin → one write per batch → commit; returns the rows the sink counted.
    @discardableResult
    func load(_ sink: SinkInstance, _ target: String, _ schema: ArrowSchemaDescription, _ batches: [[[Cell]]],
              mode: WriteMode, state: String? = nil, entry: String = "entry", options: String? = nil) throws -> Int64 {
        try sink.begin(request(target, schema, mode: mode, entry: entry, options: options))
        for rows in batches { try sink.write(try Batches.make(schema, rows)) }
        return try sink.commit(stateJSON: state)
    }
}
