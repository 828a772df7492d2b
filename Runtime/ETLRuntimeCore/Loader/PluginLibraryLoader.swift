import CETLPlugin
import Foundation
import Synchronization

/// Opens plugin libraries and checks everything they hand back before the runtime
/// trusts a single field: ABI major first (the `PG_MODULE_MAGIC` lesson), then every
/// struct's size, then the pointers a caller would follow.
package enum PluginLibraryLoader {
    private static let cache = LibraryCache()

    /// Loads the library at `path` once per process (its entry function is called once,
    /// as the header promises) and returns it, or the reason it cannot be used.
    package static func load(_ path: String) -> Result<PluginLibrary, PluginLoadFailure> {
        cache.value(for: path) { openAndCheck(path) }
    }

    private static func openAndCheck(_ path: String) -> Result<PluginLibrary, PluginLoadFailure> {
        func failure(_ reason: String) -> Result<PluginLibrary, PluginLoadFailure> {
            .failure(PluginLoadFailure(libraryPath: path, reason: reason))
        }
        if let problem = PluginFileScanner.fileProblem(path) { return failure(problem) }

        // RTLD_NOW: an unresolved symbol is reported here, not at the first call mid-run.
        // RTLD_LOCAL: two plugins' internal symbols never bind to each other.
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            let detail = dlerror().map { String(cString: $0) } ?? "unknown dlopen error"
            return failure("not a loadable shared library (\(Self.shortDlerror(detail, path: path)))")
        }
        let entryName = ETL_PLUGIN_ENTRY_SYMBOL
        guard let symbol = dlsym(handle, entryName) else {
            return failure("does not export \(entryName); build it against etl_plugin.h and mark the entry ETL_PLUGIN_EXPORT")
        }
        let entry = unsafeBitCast(symbol, to: etl_plugin_entry_fn.self)

        var error = PluginErrorBuffer()
        var libraryPointer: UnsafePointer<etl_plugin_library>?
        let status = error.withPointer { entry(HostAPI.table, &libraryPointer, $0) }
        guard status == ETL_OK else {
            return failure("\(entryName) failed (\(PluginStatus.name(status))): \(error.message(or: "no message"))")
        }
        guard let library = libraryPointer else {
            return failure("\(entryName) returned ETL_OK but no library; set *out_library to a static etl_plugin_library")
        }
        return check(library, path: path).mapError { PluginLoadFailure(libraryPath: path, reason: $0.reason) }
    }

    /// Validates the library struct and its descriptors. Only the first three fields of
    /// the library struct are trusted before the ABI major matches.
    static func check(_ library: UnsafePointer<etl_plugin_library>, path: String) -> Result<PluginLibrary, LoadProblem> {
        let fixedHeader = MemoryLayout<etl_plugin_library>.offset(of: \.plugin_count)!
        let size = Int(library.pointee.struct_size)
        guard size >= fixedHeader else {
            return .failure(LoadProblem("etl_plugin_library.struct_size is \(size), smaller than its fixed header (\(fixedHeader) bytes); rebuild the plugin against etl_plugin.h"))
        }
        let major = Int(library.pointee.abi_major), minor = Int(library.pointee.abi_minor)
        guard major == Int(ETL_PLUGIN_ABI_MAJOR) else {
            return .failure(LoadProblem("built for plugin ABI \(major).\(minor), this etl-runtime speaks ABI \(HostAPI.abiVersion); rebuild the plugin against etl_plugin.h \(ETL_PLUGIN_ABI_MAJOR).x"))
        }
        let fullSize = MemoryLayout<etl_plugin_library>.size
        guard size >= fullSize else {
            return .failure(LoadProblem("etl_plugin_library.struct_size is \(size), smaller than ABI \(major).0's \(fullSize); the library struct is corrupt"))
        }
        let count = Int(library.pointee.plugin_count)
        guard (0...10_000).contains(count) else {
            return .failure(LoadProblem("etl_plugin_library.plugin_count is \(count); expected 0 to 10000"))
        }
        guard count == 0 || library.pointee.plugins != nil else {
            return .failure(LoadProblem("etl_plugin_library.plugins is NULL but plugin_count is \(count)"))
        }
        var plugins: [LoadedPlugin] = []
        for index in 0..<count {
            switch PluginDescriptorCheck.check(library.pointee.plugins![index], index: index) {
            case .failure(let problem):
                return .failure(problem)
            case .success(let summary):
                let info = PluginInfo(
                    name: summary.name, kind: summary.kind, version: summary.version,
                    description: summary.description, capabilities: summary.capabilities,
                    configSchemaJSON: summary.configSchemaJSON, abiVersion: "\(major).\(minor)",
                    libraryPath: path, entryOptionsSchemaJSON: summary.entryOptionsSchemaJSON)
                plugins.append(LoadedPlugin(info: info, descriptor: library.pointee.plugins![index]!))
            }
        }
        // One name may serve a source and a sink (`sqlite`), never two of one kind.
        var names = Set<String>()
        for plugin in plugins where !names.insert("\(plugin.info.kind.rawValue) \(plugin.info.name)").inserted {
            return .failure(LoadProblem("declares the \(plugin.info.kind.rawValue) plugin \"\(plugin.info.name)\" twice; names must be unique per kind"))
        }
        return .success(PluginLibrary(path: path, abiMajor: major, abiMinor: minor, plugins: plugins))
    }

    /// dlerror repeats the path; keep the part after it.
    static func shortDlerror(_ message: String, path: String) -> String {
        if message.hasPrefix(path + ": ") { return String(message.dropFirst(path.count + 2)) }
        return message
    }
}

/// Remembers each library's load result, so concurrent or repeated loads of one path
/// call its entry once.
private final class LibraryCache: Sendable {
    /// Held while a library loads, so two threads never dlopen and check the same file at once.
    private let results = Mutex<[String: Result<PluginLibrary, PluginLoadFailure>]>([:])

    func value(for path: String, load: () -> Result<PluginLibrary, PluginLoadFailure>) -> Result<PluginLibrary, PluginLoadFailure> {
        let key = PluginSearchPath.canonical(path)
        return results.withLock { results in
            if let cached = results[key] { return cached }
            let result = load()
            results[key] = result
            return result
        }
    }
}

/// Why a library was refused, before the path is attached.
struct LoadProblem: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}
