import ETLPluginKit

/// The resume state of an incremental read: `{"files": [{"path": ..., "offset": ..., "line":
/// ..., "size": ..., "device": ..., "inode": ..., "head_bytes": ..., "head": ..., "done": ...,
/// "fingerprint": ..., "etag": ..., "modified": ...}, ...]}` (`etag` and `modified` for objects
/// in a store only), one element per file the glob matched at the last read (files
/// that left it are dropped), in path order. States saved by earlier versions lack `device`,
/// `head_bytes` and `head`; they still load, and the next checkpoint adds them.
struct CSVResumeState: Sendable {
    /// The files' states by path.
    var files: [String: CSVFileState]

    /// An empty state (nothing read yet).
    init() { files = [:] }

    /// Parses the state a previous checkpoint returned.
    /// - Throws: `ETL_BAD_DATA` when the text is not this source's state, with how to start over.
    init(parsing text: String, entryID: String) throws(PluginError) {
        do throws(PluginError) {
            let root = try PluginConfig(parsing: text, path: "state")
            var files: [String: CSVFileState] = [:]
            guard let objects = try ConfigObjectList.objects(root, "files") else {
                throw .invalidConfig("it has no \"files\" array")
            }
            for object in objects {
                let file = try CSVFileState(object)
                files[file.path] = file
            }
            self.files = files
        } catch {
            throw .badData("the resume state of entry '\(entryID)' is not a csv source state (\(error.message)); to read the files again from the start, run: etl-runtime state reset \(entryID)")
        }
    }

    /// The state as JSON text, files in byte order of their paths.
    var jsonText: String {
        let paths = files.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        return "{\"files\":[" + paths.map { files[$0]!.jsonText }.joined(separator: ",") + "]}"
    }
}
