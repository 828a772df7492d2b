#if canImport(Glibc)
import Glibc
#endif
import ETLJSON
import Synchronization

/// One function of one plugin, as a crash report names it:
/// `sink plugin "sqlite" (/usr/lib/etl/libetl_sqlite.so), during write`.
///
/// The host marks the calling thread with the site before each call into a plugin (and while it
/// releases what it handed the plugin in that call), so that a crash on that thread — in the
/// plugin, or in host code the plugin misused, like a batch released twice — is blamed on the
/// plugin (see `PluginCrashReport`). The lines a crash handler writes are made here, once per
/// plugin and function, and never freed: a signal handler may read them at any moment.
struct PluginCallSite: @unchecked Sendable {
    /// The lines `PluginCrashReport` writes, ready to pass to write(2).
    struct Lines {
        /// For the crashing process's stderr.
        var text: UnsafeBufferPointer<UInt8>
        /// For the run that started the worker: a `WorkerMessage` JSON line, `{"crashedIn": ...}`.
        var message: UnsafeBufferPointer<UInt8>
    }

    let lines: UnsafePointer<Lines>
    /// `sink plugin "sqlite" (/path/libetl_sqlite.so), during write`.
    let description: String

    /// The site for `function` of `plugin`, made on first use and kept for the life of the process.
    static func of(_ plugin: LoadedPlugin, _ function: String) -> PluginCallSite {
        let description = "\(plugin.info.kind.rawValue) plugin \"\(plugin.info.name)\" (\(plugin.info.libraryPath)), during \(function)"
        return known.withLock { sites in
            if let site = sites[description] { return site }
            let site = PluginCallSite(description: description)
            sites[description] = site
            return site
        }
    }

    /// Sites by description: bounded by the plugins and functions a process calls.
    private static let known = Mutex<[String: PluginCallSite]>([:])

    private init(description: String) {
        self.description = description
        let text = "etl-runtime: crashed in \(description); a bug in that plugin, not in etl-runtime\n"
        let message = "\n" + JSONValue.object(JSONObject([("crashedIn", .string(description))])).serialized() + "\n"
        let lines = UnsafeMutablePointer<Lines>.allocate(capacity: 1)
        lines.initialize(to: Lines(text: Self.immortal(text), message: Self.immortal(message)))
        self.lines = UnsafePointer(lines)
    }

    private static func immortal(_ text: String) -> UnsafeBufferPointer<UInt8> {
        let bytes = Array(text.utf8)
        let copy = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count)
        _ = copy.initialize(from: bytes)
        return UnsafeBufferPointer(copy)
    }

    /// Runs `body` (a call into the plugin) with the current thread marked as inside this site.
    func run<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        let outer = enter()
        defer { Self.leave(outer) }
        return try body()
    }

    /// Marks the current thread as inside this site until `leave(_:)` is given what this
    /// returned (the mark it replaced). For calls whose crash backtraces should show no
    /// frames of the host's own between the plugin and its caller.
    func enter() -> UnsafeMutableRawPointer? {
        let outer = pthread_getspecific(PluginCrashReport.threadSite)
        pthread_setspecific(PluginCrashReport.threadSite, UnsafeRawPointer(lines))
        return outer
    }

    /// Puts back the mark `enter()` replaced.
    static func leave(_ outer: UnsafeMutableRawPointer?) {
        pthread_setspecific(PluginCrashReport.threadSite, outer)
    }
}
