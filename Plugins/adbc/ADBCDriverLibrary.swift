import CADBC
import ETLPluginKit
import Glibc

/// An ADBC driver loaded from its shared library: the function table its init function filled.
///
/// Where the library comes from (see README.md): `driver_path` is a file, opened as is;
/// `driver` is a short name such as `adbc_driver_sqlite`, opened as `lib<name>.so` through the
/// dynamic loader's search (LD_LIBRARY_PATH, the ld.so cache, the system folders), as the ADBC
/// driver manager does for a bare name. The library is never closed: drivers written in Go
/// (Snowflake, BigQuery, Flight SQL) cannot be unloaded, and dlopen counts references anyway.
final class ADBCDriverLibrary {
    /// What the config asked for, for messages.
    let description: String
    /// The entry point that answered.
    let entrypoint: String
    /// The revision the driver accepted: ADBC_VERSION_1_1_0 or ADBC_VERSION_1_0_0.
    let version: Int32
    /// The function table, owned here and released when this object goes away.
    let table: UnsafeMutablePointer<AdbcDriver>

    /// Opens the library and calls its entry point: `entrypoint` when given, else the name the
    /// spec derives from the file name (`libadbc_driver_sqlite.so` → `AdbcDriverSqliteInit`),
    /// then `AdbcDriverInit`. Asks for revision 1.1.0 and falls back to 1.0.0.
    init(location: DriverLocation, entrypoint configured: String?, scrubber: SecretScrubber) throws(PluginError) {
        let file: String
        switch location {
        case .path(let path, _): file = path
        case .name(let name, _): file = "lib\(name).so"
        }
        description = location.description
        dlerror()
        guard let handle = dlopen(file, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown reason"
            throw .invalidConfig("\(location.configPath): cannot load the ADBC driver \(location.description): \(reason). \(location.hint)")
        }
        let candidates = configured.map { [$0] } ?? [Self.derivedEntrypoint(file), "AdbcDriverInit"]
        var found: (String, UnsafeMutableRawPointer)?
        for name in candidates {
            if let symbol = dlsym(handle, name) { found = (name, symbol); break }
        }
        guard let (name, symbol) = found else {
            let tried = candidates.map { "\"\($0)\"" }.joined(separator: " and ")
            let fix = configured == nil
                ? "set \"entrypoint\" to the init function the driver's documentation names"
                : "check the spelling, or remove \"entrypoint\" to try the spec's default names"
            throw .invalidConfig("\(location.configPath): the library \(location.description) loaded but exports no \(tried); it is not an ADBC driver, or its entry point has another name: \(fix)")
        }
        entrypoint = name
        let initialize = unsafeBitCast(symbol, to: AdbcDriverInitFunc.self)
        let table = UnsafeMutablePointer<AdbcDriver>.allocate(capacity: 1)
        self.table = table
        var accepted: Int32?
        var lastFailure: PluginError?
        for revision in [ADBC_VERSION_1_1_0, ADBC_VERSION_1_0_0] {
            // Zeroed each time: a driver fills only the part its revision defines.
            table.initialize(to: AdbcDriver())
            do throws(PluginError) {
                try ADBCCall.check("initializing the ADBC driver \(location.description) (\(name))", scrubber: scrubber) { error in
                    initialize(revision, table, error)
                }
                accepted = revision
                break
            } catch {
                lastFailure = error
            }
        }
        guard let accepted else {
            table.deallocate()
            throw lastFailure ?? .internalError("the ADBC driver \(location.description) accepted no revision")
        }
        version = accepted
    }

    deinit {
        if let release = table.pointee.release {
            var error = AdbcError()
            _ = release(table, &error)
            error.release?(&error)
        }
        table.deallocate()
    }

    /// The spec's default entry point for a library file: drop the folder, `lib` and every
    /// extension, PascalCase the words between underscores, prefix `Adbc` unless it is there,
    /// append `Init`.
    static func derivedEntrypoint(_ file: String) -> String {
        var base = file.split(separator: "/").last.map(String.init) ?? file
        if base.hasPrefix("lib") { base.removeFirst(3) }
        if let dot = base.firstIndex(of: ".") { base = String(base[..<dot]) }
        let pascal = base.split(whereSeparator: { $0 == "_" || $0 == "-" })
            .map { $0.prefix(1).uppercased() + $0.dropFirst().lowercased() }
            .joined()
        return (pascal.hasPrefix("Adbc") ? pascal : "Adbc" + pascal) + "Init"
    }
}

/// Where the driver library is, as the config gave it.
enum DriverLocation: Sendable, Equatable {
    /// `driver_path`: a file (already absolute: the runtime resolves it against the manifest).
    case path(String, configPath: String)
    /// `driver`: a short name looked up as `lib<name>.so` on the library path.
    case name(String, configPath: String)

    var configPath: String {
        switch self {
        case .path(_, let path), .name(_, let path): path
        }
    }

    var description: String {
        switch self {
        case .path(let path, _): path
        case .name(let name, _): "lib\(name).so"
        }
    }

    /// How to fix a library that would not load.
    var hint: String {
        switch self {
        case .path: "Check that the file exists and is a driver built for this machine (e.g. the .so inside the adbc-driver-sqlite wheel)"
        case .name(let name, _): "Put lib\(name).so in a folder on LD_LIBRARY_PATH, or give the file itself as \"driver_path\""
        }
    }
}
