import ETLPluginKit

/// The resume state of an incremental read, in one of two forms.
///
/// By new files (`cursor_field: "$file"`):
/// `{"files": [{"path", "size", "device", "inode", "mtime_ns"}, ...], "current": {..., "rows": 1000}}`
/// — the files read to their end (those the glob still matches) and, while a file is being
/// read, how many of its rows were handed out. An object's entry has `"etag"` too (its path is
/// the `s3://bucket/key`, its device and inode 0).
///
/// By a cursor column: `{"cursor_field": "updated_at", "cursor": "2024-05-01T10:00:00Z"}` once a
/// read is complete; while one is under way also `"run": {"since": <the watermark the read
/// filters by>, "path": <file being read>, "rows": <its rows passed>}`, so a read resumed
/// mid-way skips exactly what was handed out, however the files are ordered by the cursor.
struct ParquetResumeState: Sendable {
    struct SavedFile: Sendable {
        var path: String
        var status: ParquetFileStatus

        var json: JSONValue {
            var members: [(String, JSONValue)] = [
                ("path", .string(path)), ("size", .number(JSONNumber(status.size))),
                ("device", .number(JSONNumber(Int64(bitPattern: status.device)))),
                ("inode", .number(JSONNumber(Int64(bitPattern: status.inode)))),
                ("mtime_ns", .number(JSONNumber(status.modifiedNanoseconds))),
            ]
            if let etag = status.etag { members.append(("etag", .string(etag))) }
            return .object(JSONObject(members))
        }

        /// Whether this saved file is `status` found at `path`: a local file under any path (a
        /// rename keeps device and inode), an object only under its own key.
        func matches(_ status: ParquetFileStatus, at path: String) -> Bool {
            self.status.sameFile(as: status) && (status.etag == nil || self.path == path)
        }

        init(path: String, status: ParquetFileStatus) {
            self.path = path
            self.status = status
        }

        init(_ object: PluginConfig) throws(PluginError) {
            path = try object.string("path")
            status = ParquetFileStatus(size: try object.int("size"), device: UInt64(bitPattern: try object.int("device")),
                                       inode: UInt64(bitPattern: try object.int("inode")), modifiedNanoseconds: try object.int("mtime_ns"),
                                       etag: try object.optionalString("etag"))
        }
    }

    /// A cursor read in progress.
    struct CursorRun: Sendable {
        var since: JSONValue
        var path: String
        var rows: Int64
    }

    var files: [SavedFile] = []
    var current: SavedFile?
    var currentRows: Int64 = 0

    var cursorField: String?
    var cursor: JSONValue = .null
    var run: CursorRun?

    init() {}

    init(parsing text: String, entryID: String) throws(PluginError) {
        do throws(PluginError) {
            let root = try PluginConfig(parsing: text, path: "state")
            if let field = try root.optionalString("cursor_field") {
                cursorField = field
                cursor = root.value("cursor") ?? .null
                if let run = try root.optionalObject("run") {
                    self.run = CursorRun(since: run.value("since") ?? .null, path: try run.string("path"), rows: try run.int("rows"))
                }
            } else {
                guard case .array(let items)? = root.value("files") else { throw .invalidConfig("it has neither \"files\" nor \"cursor_field\"") }
                for item in items {
                    guard case .object(let members) = item else { throw .invalidConfig("state.files holds \(item.kindDescription)") }
                    files.append(try SavedFile(PluginConfig(members: members, path: "state.files[]")))
                }
                if let current = try root.optionalObject("current") {
                    self.current = try SavedFile(current)
                    currentRows = try current.int("rows")
                }
            }
        } catch {
            throw .badData("the resume state of entry '\(entryID)' is not a parquet source state (\(error.message)); to read from the start, run: etl-runtime state reset \(entryID)")
        }
    }

    var jsonText: String {
        var members: [(String, JSONValue)] = []
        if let cursorField {
            members = [("cursor_field", .string(cursorField)), ("cursor", cursor)]
            if let run {
                members.append(("run", .object(JSONObject([("since", run.since), ("path", .string(run.path)), ("rows", .number(JSONNumber(run.rows)))]))))
            }
        } else {
            members = [("files", .array(files.map(\.json)))]
            if let current, case .object(var object) = current.json {
                object = JSONObject(object.members.map { ($0.key, $0.value) } + [("rows", .number(JSONNumber(currentRows)))])
                members.append(("current", .object(object)))
            }
        }
        return JSONValue.object(JSONObject(members)).serialized()
    }
}
