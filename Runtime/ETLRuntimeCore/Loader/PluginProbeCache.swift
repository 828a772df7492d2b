import Foundation

/// What probing each plugin file found, remembered across runs so that a cron tick or
/// `list-plugins` does not start a probe process when no library changed. An entry is
/// used only while the file has the same device, inode, size, modification and change
/// times, and only by the runtime version that wrote it.
///
/// Stored as JSON in `$XDG_CACHE_HOME/etl-runtime/plugin-probes.json` (else
/// `~/.cache/...`); `ETL_PLUGIN_PROBE_CACHE=off` turns it off. Losing or corrupting the
/// file only costs a probe: every error here is ignored.
struct PluginProbeCache {
    struct FileIdentity: Codable, Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modifiedNanoseconds: Int64
        var changedNanoseconds: Int64

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

    struct Entry: Codable {
        var identity: FileIdentity
        var plugins: [PluginInfo]?
        var error: String?
    }

    struct Contents: Codable {
        var runtime: String
        var entries: [String: Entry]
    }

    private let file: String?
    private var contents: Contents
    private var changed = false

    static var runtimeKey: String { "\(HostAPI.runtimeVersion)/abi-\(HostAPI.abiVersion)" }

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        file = Self.location(environment)
        contents = Contents(runtime: Self.runtimeKey, entries: [:])
        if let file, let data = FileManager.default.contents(atPath: file),
            let stored = try? JSONDecoder().decode(Contents.self, from: data), stored.runtime == Self.runtimeKey
        {
            contents = stored
        }
    }

    static func location(_ environment: [String: String]) -> String? {
        if environment["ETL_PLUGIN_PROBE_CACHE"] == "off" { return nil }
        if let explicit = environment["ETL_PLUGIN_PROBE_CACHE"], !explicit.isEmpty { return explicit }
        if let cache = environment["XDG_CACHE_HOME"], cache.hasPrefix("/") { return cache + "/etl-runtime/plugin-probes.json" }
        if let home = environment["HOME"], home.hasPrefix("/") { return home + "/.cache/etl-runtime/plugin-probes.json" }
        return nil
    }

    /// The remembered result for `path`, if the file is unchanged since it was probed.
    func lookup(_ path: String) -> Result<[PluginInfo], PluginLoadFailure>? {
        guard file != nil, let entry = contents.entries[path], let identity = FileIdentity(path: path),
            identity == entry.identity
        else { return nil }
        if let plugins = entry.plugins { return .success(plugins) }
        return .failure(PluginLoadFailure(libraryPath: path, reason: entry.error ?? "failed to load"))
    }

    mutating func store(_ path: String, _ result: Result<[PluginInfo], PluginLoadFailure>) {
        guard file != nil, let identity = FileIdentity(path: path) else { return }
        switch result {
        case .success(let plugins): contents.entries[path] = Entry(identity: identity, plugins: plugins, error: nil)
        case .failure(let failure): contents.entries[path] = Entry(identity: identity, plugins: nil, error: failure.reason)
        }
        changed = true
    }

    /// Writes the cache (atomically: a temp file renamed over it), dropping entries whose
    /// files are gone so the cache does not grow without bound.
    mutating func save() {
        guard changed, let file else { return }
        contents.entries = contents.entries.filter { FileManager.default.fileExists(atPath: $0.key) }
        let folder = (file as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        guard let data = try? JSONEncoder().encode(contents) else { return }
        let temporary = file + ".\(getpid()).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data) else { return }
        if rename(temporary, file) != 0 { unlink(temporary) }
        changed = false
    }
}
