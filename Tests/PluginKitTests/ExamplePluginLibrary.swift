import CETLPlugin
import Glibc
import XCTest

/// Loads `libetl_example_jsonl.so` from the build folder the tests run from, as the runtime
/// would: `dlopen`, `dlsym("etl_plugin_entry")`, call it with a host table. Never unloaded
/// (libraries with Swift code must not be `dlclose`d).
enum ExamplePluginLibrary {
    static let fileName = "libetl_example_jsonl.so"

    /// The folder holding the test bundle, where SwiftPM also puts the package's dynamic products.
    static var buildFolder: String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let executable = length > 0 ? String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
        return String(executable[..<(executable.lastIndex(of: "/") ?? executable.startIndex)])
    }

    /// The library's `etl_plugin_library`, loaded once per test process.
    static func load() throws -> HostSide {
        let path = buildFolder + "/" + fileName
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown"
            throw LibraryLoadFailure("cannot dlopen \(path): \(reason); build it with `swift build --product etl_example_jsonl` (swift test builds it too)")
        }
        let symbol = try XCTUnwrap(dlsym(handle, ETL_PLUGIN_ENTRY_SYMBOL), "\(path) does not export \(ETL_PLUGIN_ENTRY_SYMBOL)")
        let entry = unsafeBitCast(symbol, to: etl_plugin_entry_fn.self)
        let error = CError()
        var library: UnsafePointer<etl_plugin_library>?
        let status = entry(TestHost.api.pointer, &library, error.pointer)
        XCTAssertEqual(status, ETL_OK, error.message)
        return HostSide(library: try XCTUnwrap(library), host: TestHost.api.pointer)
    }
}

/// Why the example library could not be loaded; thrown (never skipped) so a missing build fails the suite.
struct LibraryLoadFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
