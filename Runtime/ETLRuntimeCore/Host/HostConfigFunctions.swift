import CETLPlugin
import Glibc

/// The ABI 1.1 config readers of `etl_host_api` (`config_get_string`, `_int64`, `_double`,
/// `_bool`, `_length`, `_kind`, `free_string`) as C functions over `ConfigValueReader`. A plugin in C no
/// longer needs a JSON parser of its own to read its config, its state or `options_json`.
///
/// Ownership and statuses follow `etl_plugin.h`: an absent or `null` value leaves `*out`
/// untouched and returns ETL_OK; a string comes back malloc'ed, for `free_string`.
enum HostConfigFunctions {
    /// Sets the config readers in `api`; leaves every other field as it is.
    static func install(into api: inout etl_host_api) {
        api.config_get_string = hostConfigGetString
        api.config_get_int64 = hostConfigGetInt64
        api.config_get_double = hostConfigGetDouble
        api.config_get_bool = hostConfigGetBool
        api.config_get_length = hostConfigGetLength
        api.config_get_kind = hostConfigGetKind
        api.free_string = hostFreeString
    }

    /// Runs `read` on the C arguments and stores what it found through `store`; a NULL argument
    /// is the caller's bug (ETL_INTERNAL), a refusal goes into `error`.
    fileprivate static func read<Value>(
        _ function: String, _ json: UnsafePointer<CChar>?, _ path: UnsafePointer<CChar>?, _ hasOut: Bool,
        _ errorOut: UnsafeMutablePointer<etl_error>?,
        _ read: (String, String) throws(ConfigValueReader.Refusal) -> Value?, store: (Value) -> Void
    ) -> etl_status {
        guard let json, let path, hasOut else {
            HostErrorText.write(
                ETL_INTERNAL, "\(function): json, path and the out pointer must not be NULL (pass \"\" as path for the whole document)",
                into: errorOut)
            return ETL_INTERNAL
        }
        do throws(ConfigValueReader.Refusal) {
            if let value = try read(String(cString: json), String(cString: path)) { store(value) }
            return ETL_OK
        } catch {
            HostErrorText.write(error.status, error.message, into: errorOut)
            return error.status
        }
    }
}

private func hostConfigGetString(
    _ json: UnsafePointer<CChar>?, _ path: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
    _ error: UnsafeMutablePointer<etl_error>?
) -> etl_status {
    HostConfigFunctions.read("config_get_string", json, path, out != nil, error, ConfigValueReader.string) { text in
        out?.pointee = strdup(text)
    }
}

private func hostConfigGetInt64(
    _ json: UnsafePointer<CChar>?, _ path: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<Int64>?,
    _ error: UnsafeMutablePointer<etl_error>?
) -> etl_status {
    HostConfigFunctions.read("config_get_int64", json, path, out != nil, error, ConfigValueReader.int64) { out?.pointee = $0 }
}

private func hostConfigGetDouble(
    _ json: UnsafePointer<CChar>?, _ path: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<Double>?,
    _ error: UnsafeMutablePointer<etl_error>?
) -> etl_status {
    HostConfigFunctions.read("config_get_double", json, path, out != nil, error, ConfigValueReader.double) { out?.pointee = $0 }
}

private func hostConfigGetBool(
    _ json: UnsafePointer<CChar>?, _ path: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<Int32>?,
    _ error: UnsafeMutablePointer<etl_error>?
) -> etl_status {
    HostConfigFunctions.read("config_get_bool", json, path, out != nil, error, ConfigValueReader.bool) { out?.pointee = $0 ? 1 : 0 }
}

private func hostConfigGetLength(
    _ json: UnsafePointer<CChar>?, _ path: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<Int64>?,
    _ error: UnsafeMutablePointer<etl_error>?
) -> etl_status {
    HostConfigFunctions.read("config_get_length", json, path, out != nil, error, ConfigValueReader.length) { out?.pointee = $0 }
}

private func hostConfigGetKind(
    _ json: UnsafePointer<CChar>?, _ path: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<etl_json_kind>?,
    _ error: UnsafeMutablePointer<etl_error>?
) -> etl_status {
    // Never "absent" by leaving *out alone: this is the reader that says whether a value is there.
    HostConfigFunctions.read("config_get_kind", json, path, out != nil, error, ConfigValueReader.kind) { out?.pointee = $0 }
}

private func hostFreeString(_ value: UnsafeMutablePointer<CChar>?) {
    free(value)
}
