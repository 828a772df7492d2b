// etl-memory-check: runs every ETLArrow path (all types, nulls, offsets, streams,
// the host's C batch functions, refusals) in a loop and exits 0 when every value
// read back is right. Run it under valgrind to prove there are no leaks:
//
//   valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 \
//       .build-arrow/debug/etl-memory-check
//
// `--deliberate-double-release` releases one exported array twice on purpose, to
// show that such a bug is caught (valgrind reports an invalid free; without
// valgrind glibc aborts the process).
#if canImport(Glibc)
import Glibc
#endif
import CETLPlugin
import ETLArrow
import ETLRuntimeCore

var iterations = 40
var deliberateDoubleRelease = false
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--iterations":
        guard let value = arguments.next().flatMap(Int.init), value > 0 else {
            printToStandardError("etl-memory-check: --iterations needs a positive number")
            exit(64)
        }
        iterations = value
    case "--deliberate-double-release":
        deliberateDoubleRelease = true
    default:
        printToStandardError("etl-memory-check: unknown argument \(argument); use --iterations N or --deliberate-double-release")
        exit(64)
    }
}

if deliberateDoubleRelease {
    let builder = RecordBatchBuilder(schema: allTypesSchema)
    try appendRow(0, to: builder)
    var array = ArrowArray()
    try builder.finish(into: &array)
    // A "move" that forgets to mark the source released: both copies get released.
    var stale = array
    array.release!(&array)
    stale.release!(&stale)
    print("etl-memory-check: released one array twice (this line should not be reached without a report)")
    exit(0)
}

var api = etl_host_api()
api.struct_size = UInt32(MemoryLayout<etl_host_api>.size)
HostBatchBuilderFunctions.install(into: &api)

do {
    for iteration in 0..<iterations {
        try runBuilderScenarios(iteration: iteration)
        try runErrorScenarios()
        try runSchemaScenarios()
        try runStreamScenarios(iteration: iteration)
        try runHostScenarios(api: api, iteration: iteration)
        try runConfigReaderScenario(iteration: iteration)
        try runForeignArrayScenario()
        if iteration % 10 == 0 { try runPluginRoundTripScenario(iteration: iteration) }
    }
} catch {
    printToStandardError("etl-memory-check: FAILED: \(error)")
    exit(1)
}
print("etl-memory-check: \(iterations) iterations passed (builder, import, offsets, schema, streams, host functions, config readers, refusals, plugin round trips)")
