import Glibc
import Synchronization

/// The one way the runtime writes its lines to stderr: log events, summaries, problems,
/// the progress line. A log line is never worth the run, so this calls `write(2)` itself
/// (Foundation's `FileHandle.write` traps on EBADF, ENOSPC and EPIPE: a run whose stderr cron
/// closed, or that sits on a full disk, died before loading anything). Interrupted and partial
/// writes are carried on; any other error drops the rest of the line and counts it, so a
/// stream nobody can read never stops or slows a load.
package enum StderrWriter {
    private static let dropped = Atomic<Int>(0)
    private static let target = Atomic<Int32>(STDERR_FILENO)

    /// Lines this process could not write in full, wherever they were going.
    package static var droppedLines: Int { dropped.load(ordering: .relaxed) }

    /// Where `write(_:)` writes: descriptor 2, or the copy of the real stderr a process keeps
    /// while its descriptor 2 collects what plugins write (see `PluginOutputCapture`).
    package static var descriptor: Int32 { target.load(ordering: .sequentiallyConsistent) }

    /// Sends the runtime's stderr lines to `descriptor` from now on.
    package static func use(_ descriptor: Int32) {
        target.store(descriptor, ordering: .sequentiallyConsistent)
    }

    /// Writes `text` to stderr, or drops it (see the type's comment).
    package static func write(_ text: String) {
        write(text, to: descriptor)
    }

    /// Writes all of `text` to `descriptor` in as few `write(2)` calls as it takes (one, for
    /// a line on a pipe or a terminal, so lines from threads and workers never interleave), or
    /// drops what is left on an error other than EINTR. Returns whether all of it was written.
    @discardableResult
    package static func write(_ text: String, to descriptor: Int32) -> Bool {
        var text = text
        let complete = text.withUTF8 { bytes -> Bool in
            guard let base = bytes.baseAddress else { return true }
            var offset = 0
            while offset < bytes.count {
                let count = Glibc.write(descriptor, base + offset, bytes.count - offset)
                if count > 0 {
                    offset += count
                } else if count < 0, errno == EINTR {
                    continue
                } else {
                    return false
                }
            }
            return true
        }
        if !complete { dropped.add(1, ordering: .relaxed) }
        return complete
    }
}
