import Foundation

/// An exclusive, per-entry lock held for the length of a run, so cron never runs the
/// same entry twice at once. `flock` locks die with their process, so a lock left by a
/// killed run is free again without any clean-up; the file only says who held it last.
public final class EntryLock {
    public let entryID: String
    /// The locked file, handed to a worker process so the lock lasts as long as the work.
    public let descriptor: Int32

    /// Why a lock could not be taken.
    public struct Held: Error, Sendable, CustomStringConvertible {
        public var entryID: String
        public var holder: String
        public var description: String {
            "entry \(entryID) is already being run by \(holder); this run leaves it alone (exit 75)"
        }
    }

    /// Takes the lock for `entryID` in `folder` without waiting.
    public init(entryID: String, folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = (folder as NSString).appendingPathComponent("\(Self.fileName(for: entryID)).lock")
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw StateDatabaseError(path: path, sql: nil, message: "cannot open the lock file: \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            close(descriptor)
            throw Held(entryID: entryID, holder: holder.flatMap { $0.isEmpty ? nil : $0 } ?? "another process")
        }
        self.entryID = entryID
        self.descriptor = descriptor
        let note = "pid \(getpid()) (since \(StderrLogHandler.timestamp()))\n"
        ftruncate(descriptor, 0)
        _ = note.withCString { pwrite(descriptor, $0, strlen($0), 0) }
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    /// Entry ids are `[A-Za-z0-9_.-]+` (the manifest checks), so they are file names.
    static func fileName(for entryID: String) -> String {
        entryID == "." || entryID == ".." ? "_\(entryID)" : entryID
    }
}
