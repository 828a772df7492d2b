import ETLPluginKit
import Glibc

/// `columns_from`: the columns listed in a schema file beside the data (a JSON array of
/// `{"name", "type"}` objects, with `format` and `nullable` as in `columns`), such as a
/// portal's description file turned into JSON or the output of `discover`.
enum ColumnsFile {
    /// The column objects of the file at `path` (absolute: the host resolves it against the
    /// manifest's folder), each with a path for messages like `columns_from[2]`.
    /// - Throws: `ETL_INVALID_CONFIG` naming the file when it cannot be read or is not such a list.
    static func entries(_ path: String, configPath: String) throws(PluginError) -> [PluginConfig] {
        guard let text = readText(path) else {
            throw .invalidConfig("\(configPath): cannot read \(path): \(String(cString: strerror(errno))); check the path (relative paths resolve against the manifest's folder)")
        }
        let config: PluginConfig
        do {
            config = try PluginConfig(parsing: "{\"columns\": \(text)\n}", path: "\(configPath) (\(path))")
        } catch {
            throw .invalidConfig("\(configPath): \(path) is not valid JSON: \(error.message)")
        }
        guard let entries = try ConfigObjectList.objects(config, "columns"), !entries.isEmpty else {
            throw .invalidConfig("\(configPath): \(path) lists no column; write a JSON array such as [{\"name\": \"id\", \"type\": \"int64\"}]")
        }
        return entries
    }

    private static func readText(_ path: String) -> String? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let got = fread(&chunk, 1, chunk.count, file)
            if got == 0 { break }
            bytes += chunk.prefix(got)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
