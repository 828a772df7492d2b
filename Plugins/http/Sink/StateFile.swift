#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ETLPluginKit

/// The sink's resume states, one small JSON file per entry in `state_directory`. Written to a
/// temporary file and renamed, so a reader sees the old or the new state, never half of one.
/// Not transactional with the records: requests already sent stay sent if the state write fails.
struct StateFile: Sendable {
    let directory: String

    /// The state stored for `entryID`, or nil.
    func read(entryID: String) throws(PluginError) -> String? {
        let path = self.path(entryID)
        guard let file = fopen(path, "rb") else {
            if errno == ENOENT { return nil }
            throw .ioError("cannot open the state file \(path): \(String(cString: strerror(errno))); check state_directory")
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }

    /// Stores `state` (nil removes it) for `entryID`.
    func write(_ state: String?, entryID: String) throws(PluginError) {
        let path = self.path(entryID)
        guard let state else {
            if unlink(path) != 0, errno != ENOENT {
                throw .ioError("cannot remove the state file \(path): \(String(cString: strerror(errno)))")
            }
            return
        }
        mkdir(directory, 0o755)
        let temporary = path + ".tmp"
        guard let file = fopen(temporary, "wb") else {
            throw .ioError("cannot write the state file \(temporary): \(String(cString: strerror(errno))); check that state_directory exists and is writable")
        }
        let bytes = Array(state.utf8)
        let written = fwrite(bytes, 1, bytes.count, file)
        let flushed = fflush(file) == 0 && fsync(fileno(file)) == 0
        fclose(file)
        guard written == bytes.count, flushed, rename(temporary, path) == 0 else {
            throw .ioError("cannot write the state file \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Creates the directory when missing and checks that it can be written.
    /// - Throws: `ETL_IO_ERROR` naming the directory.
    func checkWritable() throws(PluginError) {
        mkdir(directory, 0o755)
        guard access(directory, W_OK) == 0 else {
            throw .ioError("state_directory \(directory) cannot be written: \(String(cString: strerror(errno))); create it or choose another folder")
        }
    }

    /// `<directory>/<entry>.json`, the entry id made safe for a file name.
    func path(_ entryID: String) -> String {
        let safe = String(entryID.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") ? $0 : "_" })
        return directory + "/" + (safe.isEmpty ? "_" : safe) + ".json"
    }
}
