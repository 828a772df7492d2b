import Foundation

/// What probing each plugin file found, remembered across runs so that a cron tick or
/// `list-plugins` does not start a probe process when no library changed. An entry is
/// used only while the file has the same device, inode, size, modification and change
/// times, and only by the runtime version that wrote it.
///
/// One small JSON file per library (named by a hash of its path) in
/// `$XDG_CACHE_HOME/etl-runtime/plugin-probes/` (else `~/.cache/...`), so a run reads only the
/// entries of the libraries on its search path: one file for every library ever probed, with
/// each plugin's config schema, had grown to hundreds of kilobytes, and decoding it cost a
/// few milliseconds of every run and every worker. `ETL_PLUGIN_PROBE_CACHE=off` turns it off,
/// `ETL_PLUGIN_PROBE_CACHE=DIR` moves it. Losing or corrupting a file only costs a probe: every
/// error here is ignored.
struct PluginProbeCache {
    struct FileIdentity: Encodable, Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modifiedNanoseconds: Int64
        var changedNanoseconds: Int64

        init(device: UInt64, inode: UInt64, size: Int64, modifiedNanoseconds: Int64, changedNanoseconds: Int64) {
            self.device = device
            self.inode = inode
            self.size = size
            self.modifiedNanoseconds = modifiedNanoseconds
            self.changedNanoseconds = changedNanoseconds
        }

        init?(path: String) {
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            size = Int64(info.st_size)
            modifiedNanoseconds = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
            changedNanoseconds = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
        }
    }

    /// Written with `JSONEncoder` (`save`); read back by `init(cacheFile:)`.
    struct Entry: Encodable {
        var runtime: String
        var path: String
        var identity: FileIdentity
        var plugins: [PluginInfo]?
        var error: String?
        /// Set when the library did not finish loading within this many seconds. The answer
        /// holds for probes with that deadline or a shorter one; a longer one probes again.
        var timedOutAfterSeconds: Double?

        init(runtime: String, path: String, identity: FileIdentity) {
            self.runtime = runtime
            self.path = path
            self.identity = identity
        }
    }

    private let folder: String?
    private var pending: [Entry] = []

    static var runtimeKey: String { "\(HostAPI.runtimeVersion)/abi-\(HostAPI.abiVersion)" }

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        folder = Self.location(environment)
    }

    static func location(_ environment: [String: String]) -> String? {
        if environment["ETL_PLUGIN_PROBE_CACHE"] == "off" { return nil }
        if let explicit = environment["ETL_PLUGIN_PROBE_CACHE"], !explicit.isEmpty { return explicit }
        if let cache = environment["XDG_CACHE_HOME"], cache.hasPrefix("/") { return cache + "/etl-runtime/plugin-probes" }
        if let home = environment["HOME"], home.hasPrefix("/") { return home + "/.cache/etl-runtime/plugin-probes" }
        return nil
    }

    /// The remembered result for `path`, if the file is unchanged since it was probed (and,
    /// for a library that hung, if it was given at least `deadline` then).
    ///
    /// A hang is remembered like a crash, by the file's identity: otherwise every command, and
    /// every worker of a run, would wait out the deadline again for a library that is not used.
    /// A hang may have been passing (a licence server that was down), so its reason says how to
    /// probe again.
    func lookup(
        _ path: String, deadline: PluginProbeDeadline = PluginProbeDeadline(seconds: PluginProbeDeadline.defaultSeconds)
    ) -> Result<[PluginInfo], PluginLoadFailure>? {
        guard let file = entryFile(path), let data = FileManager.default.contents(atPath: file),
              let entry = Entry(cacheFile: Array(data)),
              entry.path == path, entry.runtime == Self.runtimeKey, FileIdentity(path: path) == entry.identity
        else { return nil }
        if let plugins = entry.plugins { return .success(plugins) }
        var reason = entry.error ?? "failed to load"
        if let waited = entry.timedOutAfterSeconds {
            guard waited >= deadline.seconds else { return nil }
            reason += " (remembered from an earlier probe; touch the file to probe it again)"
        }
        return .failure(PluginLoadFailure(libraryPath: path, reason: reason))
    }

    /// Remembers what a probe found (written by `save`), unless it is not the library's doing.
    mutating func store(_ path: String, _ answer: PluginProber.Answer) {
        guard folder != nil, let identity = FileIdentity(path: path) else { return }
        var entry = Entry(runtime: Self.runtimeKey, path: path, identity: identity)
        switch answer.keep {
        case .always: break
        case .timedOut(let deadline): entry.timedOutAfterSeconds = deadline.seconds
        case .never: return
        }
        switch answer.result {
        case .success(let plugins): entry.plugins = plugins
        case .failure(let failure): entry.error = failure.reason
        }
        pending.append(entry)
    }

    mutating func store(_ path: String, _ result: Result<[PluginInfo], PluginLoadFailure>) {
        store(path, PluginProber.Answer(result: result, keep: .always))
    }

    /// Writes the stored entries (each atomically: a temp file renamed over it), then drops
    /// the entries of libraries that are gone, so the folder does not grow without bound.
    mutating func save() {
        guard !pending.isEmpty, let folder else { return }
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        for entry in pending {
            guard let file = entryFile(entry.path), let data = try? encoder.encode(entry) else { continue }
            let temporary = file + ".\(getpid()).tmp"
            guard FileManager.default.createFile(atPath: temporary, contents: data) else { continue }
            if rename(temporary, file) != 0 { unlink(temporary) }
        }
        pending = []
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasSuffix(".json") {
            let file = folder + "/" + name
            guard let data = FileManager.default.contents(atPath: file), let entry = Entry(cacheFile: Array(data)) else {
                unlink(file)
                continue
            }
            if !FileManager.default.fileExists(atPath: entry.path) { unlink(file) }
        }
    }

    /// `<folder>/<FNV-1a of the path>.json`: a collision only costs a probe (the entry names
    /// its path, which `lookup` checks).
    private func entryFile(_ path: String) -> String? {
        guard let folder else { return nil }
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in path.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return folder + "/" + String(hash, radix: 16) + ".json"
    }
}
