import ETLRuntimeCore
import TestSupport
import XCTest

/// libetl_sqlite.so, loaded through the runtime's own loader (the path `etl-runtime run` takes),
/// and its two plugins.
enum SQLitePlugins {
    /// The built library beside the test bundle (or in ETL_BUILD_DIR).
    static var libraryPath: String { TestPaths.buildDirectory + "/libetl_sqlite.so" }

    /// The loaded library; the loader caches it per process.
    static func library() throws -> PluginLibrary {
        try PluginLibraryLoader.load(libraryPath).get()
    }

    /// The `sqlite` sink.
    static func sinkPlugin() throws -> LoadedPlugin {
        try XCTUnwrap(try library().plugins.first { $0.info.name == "sqlite" && $0.info.kind == .sink }, "no sqlite sink in \(libraryPath)")
    }

    /// The `sqlite` source.
    static func sourcePlugin() throws -> LoadedPlugin {
        try XCTUnwrap(try library().plugins.first { $0.info.name == "sqlite" && $0.info.kind == .source }, "no sqlite source in \(libraryPath)")
    }

    /// A sink instance writing `path`, with extra config members as JSON text (", \"synchronous\": \"full\"").
    static func sink(path: String, extraConfig: String = "", entryID: String = "entry") throws -> SinkInstance {
        try SinkInstance(plugin: try sinkPlugin(), configJSON: "{\"path\": \(quoted(path))\(extraConfig)}", entryID: entryID)
    }

    /// A source instance over `path` with the given config members after "path".
    static func source(path: String, config: String, entryID: String = "entry") throws -> SourceInstance {
        try SourceInstance(plugin: try sourcePlugin(), configJSON: "{\"path\": \(quoted(path)), \(config)}", entryID: entryID)
    }

    /// `text` as a JSON string literal (test paths hold no characters that need escaping beyond these).
    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
