import Foundation

/// An exclusive, per-entry lock held for the length of a run, so cron never runs the
/// same entry twice at once. `flock` locks die with their process, so a lock left by a
/// killed run is free again without any clean-up; the file only says who held it last.
package final class EntryLock {
    package let entryID: String
    /// The locked file, handed to a worker process so the lock lasts as long as the work.
    package let descriptor: Int32

    /// Why a lock could not be taken.
    package struct Held: Error, Sendable, CustomStringConvertible {
        package var entryID: String
        package var holder: String
        package var description: String {
            "entry \(entryID) is already being run by \(holder); this run leaves it alone (exit 75)"
        }
    }

    /// Takes the lock for `entryID` in `folder` without waiting.
    package init(entryID: String, folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = (folder as NSString).appendingPathComponent("\(Self.fileName(for: entryID)).lock")
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw StateDatabaseError(path: path, sql: nil, message: "cannot open the lock file: \(String(cString: strerror(errno)))")
        }
        guard Self.take(descriptor, path: path) else {
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

    /// Locks `descriptor` without waiting on a live holder. When the run named in the file is
    /// gone but the lock is still held, its worker is still dying (it holds the entry's lock
    /// and is killed when its run dies): that takes moments, so wait up to two seconds.
    private static func take(_ descriptor: Int32, path: String) -> Bool {
        if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { return true }
        guard let holder = try? String(contentsOfFile: path, encoding: .utf8),
              let pid = holder.split(separator: " ").dropFirst().first.flatMap({ pid_t($0) }),
              !ProcessLiveness.isRunning(pid) else { return false }
        for _ in 0..<100 {
            usleep(20_000)
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { return true }
        }
        return false
    }

    /// Entry ids are `[A-Za-z0-9_.-]+` (the manifest checks), so they are file names.
    static func fileName(for entryID: String) -> String {
        entryID == "." || entryID == ".." ? "_\(entryID)" : entryID
    }
}
