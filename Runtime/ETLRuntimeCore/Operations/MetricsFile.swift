import Foundation

/// Writes a metrics file for node_exporter's textfile collector.
package enum MetricsFile {
    /// Replaces the file at `path` with `text` atomically: written to a hidden temporary file in
    /// the same folder (the collector reads only `*.prom`, so it never sees it), flushed, then
    /// renamed over the old file, so a scrape reads the old file or the new one, never half.
    package static func write(_ text: String, to path: String) throws(MetricsFileError) {
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let temporary = (folder.isEmpty ? "." : folder) + "/.\(name).\(getpid()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw MetricsFileError(path: path, reason: String(cString: strerror(errno))) }
        let bytes = Array(text.utf8)
        var written = 0
        var failure: String?
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                failure = String(cString: strerror(errno))
                break
            }
            written += count
        }
        if failure == nil, fsync(descriptor) != 0 { failure = String(cString: strerror(errno)) }
        close(descriptor)
        if failure == nil, rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary)
            throw MetricsFileError(path: path, reason: failure)
        }
    }
}

/// The metrics file could not be written.
package struct MetricsFileError: Error, CustomStringConvertible {
    package var path: String
    package var reason: String

    package var description: String {
        "cannot write the metrics file \(path): \(reason); check that its folder exists and is writable"
    }
}
