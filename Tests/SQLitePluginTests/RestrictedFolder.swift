import Glibc
import XCTest

/// A folder a test makes read-only or small, in ways that hold for root too: CI runs the tests
/// as root, and permission bits do not stop root. As root the folder is its own tmpfs (mounted
/// read-only, or small enough to fill) or carries the immutable flag; as another user, chmod.
/// `release()` undoes it all; call it before the enclosing temporary folder is removed.
final class RestrictedFolder {
    /// The folder.
    let path: String
    private var mounted = false
    private var immutable = false
    private var chmodded = false

    private static var isRoot: Bool { geteuid() == 0 }

    /// linux/fs.h: FS_IOC_GETFLAGS = _IOR('f', 1, long), FS_IOC_SETFLAGS = _IOW('f', 2, long)
    /// and FS_IMMUTABLE_FL; the macros do not import into Swift.
    private static let getFlags: UInt = 0x8008_6601
    private static let setFlags: UInt = 0x4008_6602
    private static let immutableFlag = 0x10

    private init(path: String) {
        self.path = path
    }

    /// A new, empty folder `name` inside `parent` where nobody can create a file: a read-only
    /// tmpfs as root, mode 0555 otherwise.
    static func readOnly(_ name: String, in parent: String) throws -> RestrictedFolder {
        let folder = try make(name, in: parent)
        if isRoot {
            try folder.mount(options: "size=64k", flags: UInt(MS_RDONLY))
        } else {
            try folder.chmod(0o555)
        }
        return folder
    }

    /// A new folder `name` inside `parent` on a tmpfs of `kibibytes` (root only: skipped otherwise).
    static func small(_ name: String, in parent: String, kibibytes: Int) throws -> RestrictedFolder {
        guard isRoot else { throw XCTSkip("filling a disk needs a small tmpfs, and mounting one needs root (CI runs as root)") }
        let folder = try make(name, in: parent)
        try folder.mount(options: "size=\(kibibytes)k", flags: 0)
        return folder
    }

    /// A new folder `name` inside `parent` that `makeUnwritable()` can later close to new files
    /// while the files already in it stay writable. As root it is a tmpfs, whose immutable flag
    /// works whatever file system holds the temp folder (overlayfs refuses the flag).
    static func closable(_ name: String, in parent: String) throws -> RestrictedFolder {
        let folder = try make(name, in: parent)
        if isRoot {
            try folder.mount(options: "size=4m", flags: 0)
        }
        return folder
    }

    /// No new file (a journal, a WAL) can be created in the folder any more; its files stay
    /// writable. Root: the immutable flag (writes inside answer EPERM); others: mode 0555 (EACCES).
    func makeUnwritable() throws {
        guard Self.isRoot else { return try chmod(0o555) }
        let descriptor = open(path, O_RDONLY | O_DIRECTORY)
        guard descriptor >= 0 else { throw failure("open") }
        defer { close(descriptor) }
        var flags = 0
        guard ioctl(descriptor, Self.getFlags, &flags) == 0 else { throw failure("reading the flags of") }
        flags |= Self.immutableFlag
        guard ioctl(descriptor, Self.setFlags, &flags) == 0 else {
            throw XCTSkip("cannot set the immutable flag on \(path) (\(String(cString: strerror(errno)))), which a root test needs to make a folder unwritable")
        }
        immutable = true
    }

    /// What the OS answers a write into a folder `makeUnwritable()` closed.
    static var unwritableAnswer: String {
        isRoot ? "errno 1 (Operation not permitted)" : "errno 13 (Permission denied)"
    }

    /// What the OS answers a write into a `readOnly` folder.
    static var readOnlyAnswer: String {
        isRoot ? "errno 30 (Read-only file system)" : "errno 13 (Permission denied)"
    }

    /// Undoes the flag, the mode and the mount, so the folder can be removed.
    func release() {
        if immutable {
            let descriptor = open(path, O_RDONLY | O_DIRECTORY)
            if descriptor >= 0 {
                var flags = 0
                if ioctl(descriptor, Self.getFlags, &flags) == 0 {
                    flags &= ~Self.immutableFlag
                    _ = ioctl(descriptor, Self.setFlags, &flags)
                }
                close(descriptor)
            }
            immutable = false
        }
        if chmodded {
            _ = Glibc.chmod(path, 0o755)
            chmodded = false
        }
        if mounted {
            // Lazy: a connection a failed test still holds must not keep the mount alive.
            _ = umount2(path, Int32(MNT_DETACH))
            mounted = false
        }
    }

    private static func make(_ name: String, in parent: String) throws -> RestrictedFolder {
        let path = parent + "/" + name
        guard mkdir(path, 0o755) == 0 else { throw TestDatabaseError(message: "mkdir \(path): \(String(cString: strerror(errno)))") }
        return RestrictedFolder(path: path)
    }

    private func mount(options: String, flags: UInt) throws {
        guard Glibc.mount("tmpfs", path, "tmpfs", flags, options) == 0 else {
            throw XCTSkip("cannot mount a tmpfs on \(path) (\(String(cString: strerror(errno)))): this sandbox denies mount even to root")
        }
        mounted = true
    }

    private func chmod(_ mode: mode_t) throws {
        guard Glibc.chmod(path, mode) == 0 else { throw failure("chmod") }
        chmodded = true
    }

    private func failure(_ what: String) -> TestDatabaseError {
        TestDatabaseError(message: "\(what) \(path): \(String(cString: strerror(errno)))")
    }
}
