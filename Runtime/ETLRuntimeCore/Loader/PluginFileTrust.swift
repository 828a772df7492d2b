import Foundation

/// Whether a plugin file may be loaded. Loading a library runs its code with the runtime's
/// rights, so a library that anyone but the runtime's own user or root could replace is
/// refused, as ssh's StrictModes refuses such a key file. Checked on the real path (links
/// resolved with realpath), from the file up to `/`:
///
/// * the file: a regular file, owned by root or the current user, writable by neither its
///   group nor others;
/// * its folder: owned by root or the current user, writable by neither its group nor others
///   (whoever may write a folder may rename a library in it and put another in its place);
/// * every folder above: owned by root or the current user, and not writable by others unless
///   it is sticky and owned by root, like `/tmp` (the sticky bit keeps others from renaming
///   what they do not own). Group-writable folders above are accepted: a shared project
///   folder is common, and its group's members are trusted with what it holds.
///
/// Every refusal names the file or folder, why, and the command that fixes it.
enum PluginFileTrust {
    /// Why the plugin files of `folder` may not be loaded, or nil when the folder is safe.
    static func folderProblem(_ folder: String) -> String? {
        guard let real = realPath(folder) else { return nil }
        return chainProblem(folder: real).map { linked($0, folder, real) }
    }

    /// Why the file at `path` may not be loaded, or nil when it may. Covers the folder the
    /// path names and, for a link, every folder on the way to the file it leads to.
    static func fileProblem(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0, let real = realPath(path) else {
            return "cannot read the file: \(String(cString: strerror(errno)))"
        }
        guard info.st_mode & S_IFMT == S_IFREG else { return "not a regular file" }
        if let problem = folderProblem((path as NSString).deletingLastPathComponent) { return problem }
        if let problem = ownProblem(real, info: info, what: "file") { return linked(problem, path, real) }
        return chainProblem(folder: (real as NSString).deletingLastPathComponent).map { linked($0, path, real) }
    }

    /// The problem of `folder` (as the plugin folder) or of a folder above it.
    private static func chainProblem(folder: String) -> String? {
        var info = stat()
        guard stat(folder, &info) == 0 else { return nil }
        if let problem = ownProblem(folder, info: info, what: "folder") { return problem }
        var above = folder
        while above != "/" {
            above = (above as NSString).deletingLastPathComponent
            guard stat(above, &info) == 0 else { return nil }
            if let problem = ancestorProblem(above, info: info) { return problem }
        }
        return nil
    }

    /// The rules for the file and for the folder that holds it.
    private static func ownProblem(_ path: String, info: stat, what: String) -> String? {
        let mode = String(info.st_mode & 0o7777, radix: 8)
        let subject = what == "file" ? "the file" : "the folder \(path)"
        let harm = what == "file"
            ? "could replace the code etl-runtime would run"
            : "could put other code in place of the libraries in it"
        if info.st_mode & S_IWOTH != 0 {
            return "refused: \(subject) is writable by others (mode \(mode)), so anyone \(harm); fix with chmod o-w \(path)"
        }
        if info.st_mode & S_IWGRP != 0 {
            return "refused: \(subject) is writable by its group \(groupName(info.st_gid)) (mode \(mode)), so any member of it \(harm); "
                + "fix with chmod g-w \(path)"
        }
        return ownerProblem(path, info: info, subject: subject, harm: harm)
    }

    /// The rules for each folder above the plugin's folder.
    private static func ancestorProblem(_ path: String, info: stat) -> String? {
        let harm = "could rename the folders below it and put other code in their place"
        let subject = "the folder \(path) above it"
        if info.st_mode & S_IWOTH != 0, !(info.st_mode & S_ISVTX != 0 && info.st_uid == 0) {
            let mode = String(info.st_mode & 0o7777, radix: 8)
            return "refused: \(subject) is writable by others (mode \(mode)) and is not a sticky folder owned by root "
                + "(as /tmp is), so anyone \(harm); fix with chmod o-w \(path)"
        }
        return ownerProblem(path, info: info, subject: subject, harm: harm)
    }

    private static func ownerProblem(_ path: String, info: stat, subject: String, harm: String) -> String? {
        guard info.st_uid != 0, info.st_uid != geteuid() else { return nil }
        let me = userName(geteuid())
        let fix = me == "root" ? "chown root \(path)" : "chown \(me) \(path) (or chown root \(path))"
        return "refused: \(subject) belongs to user \(userName(info.st_uid)) (uid \(info.st_uid)), who \(harm), "
            + "and etl-runtime runs as \(me); fix with \(fix)"
    }

    /// Adds where a link led, when `path` is not its real path.
    private static func linked(_ problem: String, _ path: String, _ real: String) -> String {
        // Not standardizingPath: it resolves links itself.
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        guard absolute != real else { return problem }
        return problem + " (\(absolute) leads to \(real) through a symbolic link)"
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func userName(_ uid: uid_t) -> String {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return "\(uid)" }
        return String(cString: name)
    }

    private static func groupName(_ gid: gid_t) -> String {
        guard let entry = getgrgid(gid), let name = entry.pointee.gr_name else { return "\(gid)" }
        return String(cString: name)
    }
}
