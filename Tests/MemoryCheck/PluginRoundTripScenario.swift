#if canImport(Glibc)
import Glibc
#endif
import ETLArrow
import ETLRuntimeCore
import Foundation

/// Runs the plugin path `run` takes, across the C ABI: the plain-C example library
/// builds batches with the host's functions, the runtime imports them, and the Swift
/// jsonl sink takes ownership of each one. Under valgrind this proves every batch made
/// by another library is released exactly once, with nothing leaked on either side.
func runPluginRoundTripScenario(iteration: Int) throws {
    let folder = (CommandLine.arguments[0] as NSString).deletingLastPathComponent
    let searchPath = PluginSearchPath(commandLineFolders: [folder], manifestFolders: [], environment: [:], executablePath: nil)
    let catalog = PluginCatalog.discover(searchPath, probe: .inProcess)
    let datagen = try catalog.loadPlugin(named: "datagen", kind: .source)
    let jsonl = try catalog.loadPlugin(named: "jsonl", kind: .sink)

    let output = NSTemporaryDirectory() + "etl-memory-check-\(getpid())"
    defer { try? FileManager.default.removeItem(atPath: output) }
    let source = try SourceInstance(plugin: datagen, configJSON: #"{"rows": 700, "seed": \#(iteration), "null_every": 3}"#, entryID: "memory")
    let read = try source.read(ReadRequest(entryID: "memory", stream: "rows", batchSize: 256))
    let sink = try SinkInstance(plugin: jsonl, configJSON: #"{"directory": "\#(output)", "fsync": false}"#, entryID: "memory")
    try sink.begin(LoadRequest(entryID: "memory", runID: "r\(iteration)", target: "rows", writeMode: .replace, schema: try read.stream.schema()))
    var written = 0
    while let batch = try read.stream.next() {
        written += batch.rowCount
        try sink.write(batch)
    }
    let committed = try sink.commit(stateJSON: try source.checkpoint())
    guard written == 700, committed == 700 else {
        throw MemoryCheckFailure("plugin round trip: read \(written) rows, sink committed \(committed); expected 700")
    }
    // A failed load must release what it was given, too.
    let failing = try SinkInstance(plugin: jsonl, configJSON: #"{"directory": "\#(output)"}"#, entryID: "memory")
    do {
        try failing.begin(LoadRequest(entryID: "memory", runID: "r", target: "rows", writeMode: .merge, primaryKey: ["id"], schema: try read.stream.schema()))
        throw MemoryCheckFailure("plugin round trip: the jsonl sink accepted merge")
    } catch is PluginCallError {}
}
