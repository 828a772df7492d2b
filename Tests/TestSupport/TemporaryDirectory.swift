import Foundation

/// A fresh folder under the system temp dir, removed when the value is released.
public final class TemporaryDirectory {
    public let path: String

    public init(_ label: String = "etl-test") {
        let template = NSTemporaryDirectory() + "\(label)-XXXXXX"
        var bytes = Array(template.utf8CString)
        let created = bytes.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(created != nil, "mkdtemp failed for \(template)")
        path = String(cString: created!)
        // mkdtemp makes 0700; plugin folders are checked for others' write bit only.
        LeftoverFolders.shared.add(path)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
        LeftoverFolders.shared.remove(path)
    }

    /// Writes `contents` to `name` inside the folder and returns the full path.
    @discardableResult
    public func write(_ name: String, _ contents: String) throws -> String {
        let file = path + "/" + name
        try FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try contents.write(toFile: file, atomically: false, encoding: .utf8)
        return file
    }

    public func file(_ name: String) -> String { path + "/" + name }
}

/// Folders still present when the test process exits: XCTest keeps every test case object
/// (and the folders they hold) alive to the end, where no deinit runs, so they are removed
/// by an exit handler instead of piling up in /tmp run after run.
private final class LeftoverFolders: @unchecked Sendable {
    static let shared = LeftoverFolders()
    private var paths: Set<String> = []
    private let lock = NSLock()

    private init() {
        atexit { LeftoverFolders.shared.removeAll() }
    }

    func add(_ path: String) {
        lock.lock()
        paths.insert(path)
        lock.unlock()
    }

    func remove(_ path: String) {
        lock.lock()
        paths.remove(path)
        lock.unlock()
    }

    func removeAll() {
        lock.lock()
        let all = paths
        paths = []
        lock.unlock()
        for path in all { try? FileManager.default.removeItem(atPath: path) }
    }
}
