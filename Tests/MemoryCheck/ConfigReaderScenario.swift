#if canImport(Glibc)
import Glibc
#endif
import CETLPlugin
import ETLRuntimeCore

/// The host's ABI 1.1 config readers used through its table, as a C plugin would: every string
/// handed out is freed with free_string, and every refusal (bad JSON, wrong type, bad path)
/// writes its message without leaking what it parsed.
func runConfigReaderScenario(iteration: Int) throws {
    let api = HostAPI.table.pointee
    let config = #"{"path": "/data/in-\#(iteration).csv", "columns": [{"name": "id"}, {"name": "age"}], "rows": 12}"#
    var error = etl_error()
    error.struct_size = UInt32(MemoryLayout<etl_error>.size)

    var path: UnsafeMutablePointer<CChar>?
    try expect(api.config_get_string!(config, "path", &path, &error) == ETL_OK, "config_get_string")
    try expect(path.map { String(cString: $0) } == "/data/in-\(iteration).csv", "config_get_string value")
    api.free_string!(path)
    var name: UnsafeMutablePointer<CChar>?
    try expect(api.config_get_string!(config, "columns[1].name", &name, &error) == ETL_OK, "element name")
    api.free_string!(name)

    var count: Int64 = 0
    var kind: etl_json_kind = ETL_JSON_ABSENT
    try expect(api.config_get_length!(config, "columns", &count, &error) == ETL_OK && count == 2, "config_get_length")
    try expect(api.config_get_kind!(config, "rows", &kind, &error) == ETL_OK && kind == ETL_JSON_NUMBER, "config_get_kind")

    var unused: UnsafeMutablePointer<CChar>?
    try expect(api.config_get_string!(config, "rows", &unused, &error) == ETL_INVALID_CONFIG && unused == nil, "wrong type")
    try expect(api.config_get_string!(#"{"path": "#, "path", &unused, &error) == ETL_INVALID_CONFIG, "bad JSON")
    try expect(api.config_get_string!(config, "columns[", &unused, &error) == ETL_INTERNAL, "bad path")
}
