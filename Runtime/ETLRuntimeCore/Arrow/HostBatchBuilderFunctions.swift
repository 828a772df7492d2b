#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CETLPlugin
import ETLArrow

/// The host's batch-building helpers of `etl_host_api` (batch_begin, append_*,
/// batch_row_count, batch_byte_size, batch_finish, batch_last_error, batch_free)
/// and set_error, as C functions over `RecordBatchBuilder`. Status codes and
/// ownership follow `etl_plugin.h`:
///   - ETL_INTERNAL for a missing column, a wrong type, a NULL pointer or a negative
///     length (the value is not appended; batch_last_error says why);
///   - ETL_BAD_DATA for invalid UTF-8 given to append_utf8;
///   - ETL_UNSUPPORTED from batch_begin for a column format outside ABI 1, and for decimal128
///     (ABI 1.2 has no append function for it; see `decimalRefusal`).
package enum HostBatchBuilderFunctions {
    /// Sets the batch-building functions and `set_error` in `api`; leaves every other field as it is.
    package static func install(into api: inout etl_host_api) {
        api.batch_begin = hostBatchBegin
        api.append_null = hostAppendNull
        api.append_bool = hostAppendBool
        api.append_int64 = hostAppendInt64
        api.append_double = hostAppendDouble
        api.append_utf8 = hostAppendUTF8
        api.append_binary = hostAppendBinary
        api.append_timestamp_us = hostAppendTimestamp
        api.append_date32 = hostAppendDate32
        api.batch_row_count = hostBatchRowCount
        api.batch_byte_size = hostBatchByteSize
        api.batch_finish = hostBatchFinish
        api.batch_last_error = hostBatchLastError
        api.batch_free = hostBatchFree
        api.set_error = hostSetError
    }
}

extension HostBatchBuilderFunctions {
    /// Why batch_begin refuses a decimal column: no `append_*` of ABI 1.2 takes a 128-bit value,
    /// so the builder could never fill it. A plugin sends decimals in Arrow arrays it builds itself.
    static func decimalRefusal(_ field: ArrowField) -> String {
        "column \"\(field.name)\" is \(field.type.displayName) (\"\(field.type.format)\"), which the host's batch builder cannot fill: "
            + "ABI 1.2 has no append function for decimal128. Declare the column utf8 and let the entry cast it "
            + "({\"cast\": {\"\(field.name)\": \"\(field.type.displayName)\"}}), or export the Arrow array yourself"
    }
}

// A NULL builder cannot record a message: ETL_INTERNAL alone says "bug in the caller".

private func hostBatchBegin(
    _ schema: UnsafePointer<ArrowSchema>?, _ capacityHint: Int64,
    _ outBuilder: UnsafeMutablePointer<OpaquePointer?>?, _ errorOut: UnsafeMutablePointer<etl_error>?
) -> etl_status {
    guard let outBuilder else {
        HostErrorText.write(ETL_INTERNAL, "batch_begin: out_builder is NULL; pass the address of an etl_batch_builder* to receive the builder", into: errorOut)
        return ETL_INTERNAL
    }
    outBuilder.pointee = nil
    guard let schema else {
        HostErrorText.write(ETL_INTERNAL, "batch_begin: schema is NULL; pass a struct ArrowSchema (\"+s\") with one child per column", into: errorOut)
        return ETL_INTERNAL
    }
    let description: ArrowSchemaDescription
    do throws(ArrowError) {
        description = try ArrowSchemaDescription(importing: schema)
    } catch {
        // A format outside ABI 1 is ETL_UNSUPPORTED; a malformed schema is a bug.
        let status = error.kind == .unsupported ? ETL_UNSUPPORTED : ETL_INTERNAL
        HostErrorText.write(status, "batch_begin: \(error.message)", into: errorOut)
        return status
    }
    if let field = description.fields.first(where: { $0.type.isDecimal }) {
        HostErrorText.write(ETL_UNSUPPORTED, "batch_begin: \(HostBatchBuilderFunctions.decimalRefusal(field))", into: errorOut)
        return ETL_UNSUPPORTED
    }
    let capacity = Int(clamping: Swift.max(capacityHint, 0))
    let builder = HostBatchBuilder(builder: RecordBatchBuilder(schema: description, capacity: capacity))
    outBuilder.pointee = builder.retainedHandle()
    return ETL_OK
}

// Each append resolves the handle without touching its reference count (the
// plugin's handle keeps the builder alive) and calls the builder directly: these
// run once per value, so no generic helper or dynamic dispatch in between.

private func hostAppendNull(_ builder: OpaquePointer?, _ column: Int32) -> etl_status {
    guard let builder else { return ETL_INTERNAL }
    return HostBatchBuilder.withUnretained(builder) { host in
        do throws(ArrowError) {
            try host.builder.appendNull(column: Int(column))
            return ETL_OK
        } catch {
            return host.fail(error)
        }
    }
}

private func hostAppendBool(_ builder: OpaquePointer?, _ column: Int32, _ value: Int32) -> etl_status {
    guard let builder else { return ETL_INTERNAL }
    return HostBatchBuilder.withUnretained(builder) { host in
        do throws(ArrowError) {
            try host.builder.append(bool: value != 0, column: Int(column))
            return ETL_OK
        } catch {
            return host.fail(error)
        }
    }
}

private func hostAppendInt64(_ builder: OpaquePointer?, _ column: Int32, _ value: Int64) -> etl_status {
    guard let builder else { return ETL_INTERNAL }
    return HostBatchBuilder.withUnretained(builder) { host in
        do throws(ArrowError) {
            try host.builder.append(int64: value, column: Int(column))
            return ETL_OK
        } catch {
            return host.fail(error)
        }
    }
}

private func hostAppendDouble(_ builder: OpaquePointer?, _ column: Int32, _ value: Double) -> etl_status {
    guard let builder else { return ETL_INTERNAL }
    return HostBatchBuilder.withUnretained(builder) { host in
        do throws(ArrowError) {
            try host.builder.append(double: value, column: Int(column))
            return ETL_OK
        } catch {
            return host.fail(error)
        }
    }
}

private func hostAppendTimestamp(_ builder: OpaquePointer?, _ column: Int32, _ micros: Int64) -> etl_status {
    guard let builder else { return ETL_INTERNAL }
    return HostBatchBuilder.withUnretained(builder) { host in
        do throws(ArrowError) {
            try host.builder.append(timestampMicroseconds: micros, column: Int(column))
            return ETL_OK
        } catch {
            return host.fail(error)
        }
    }
}

private func hostAppendDate32(_ builder: OpaquePointer?, _ column: Int32, _ days: Int32) -> etl_status {
    guard let builder else { return ETL_INTERNAL }
    return HostBatchBuilder.withUnretained(builder) { host in
        do throws(ArrowError) {
            try host.builder.append(date32: days, column: Int(column))
            return ETL_OK
        } catch {
            return host.fail(error)
        }
    }
}

/// The bytes behind (data, length), or a message when the pair is unusable.
@inline(__always)
private func hostBytes(_ data: UnsafeRawPointer?, _ length: Int64, _ function: String, _ column: Int32) -> Result<UnsafeRawBufferPointer, ArrowError> {
    guard length >= 0 else {
        return .failure(ArrowError(.misuse, "\(function) on column \(column): length is \(length); it must be 0 or more"))
    }
    guard length == 0 || data != nil else {
        return .failure(ArrowError(.misuse, "\(function) on column \(column): data is NULL but length is \(length)"))
    }
    return .success(UnsafeRawBufferPointer(start: data, count: Int(length)))
}

private func hostAppendUTF8(_ builder: OpaquePointer?, _ column: Int32, _ data: UnsafePointer<CChar>?, _ length: Int64) -> etl_status {
    guard let builder else { return ETL_INTERNAL }
    return HostBatchBuilder.withUnretained(builder) { host in
        do throws(ArrowError) {
            let bytes = try hostBytes(UnsafeRawPointer(data), length, "append_utf8", column).get()
            try host.builder.append(utf8: bytes, column: Int(column))
            return ETL_OK
        } catch {
            return host.fail(error)
        }
    }
}

private func hostAppendBinary(_ builder: OpaquePointer?, _ column: Int32, _ data: UnsafeRawPointer?, _ length: Int64) -> etl_status {
    guard let builder else { return ETL_INTERNAL }
    return HostBatchBuilder.withUnretained(builder) { host in
        do throws(ArrowError) {
            let bytes = try hostBytes(data, length, "append_binary", column).get()
            try host.builder.append(binary: bytes, column: Int(column))
            return ETL_OK
        } catch {
            return host.fail(error)
        }
    }
}

private func hostBatchRowCount(_ builder: OpaquePointer?) -> Int64 {
    guard let builder else { return 0 }
    // Plugins may poll this after every row, so it stays off the reference count too.
    return HostBatchBuilder.withUnretained(builder) { Int64($0.builder.rowCount) }
}

private func hostBatchByteSize(_ builder: OpaquePointer?) -> Int64 {
    guard let builder else { return 0 }
    return HostBatchBuilder.withUnretained(builder) { Int64($0.builder.byteSize) }
}

private func hostBatchFinish(_ builder: OpaquePointer?, _ out: UnsafeMutablePointer<ArrowArray>?, _ errorOut: UnsafeMutablePointer<etl_error>?) -> etl_status {
    guard let builder else {
        HostErrorText.write(ETL_INTERNAL, "batch_finish: builder is NULL; create one with batch_begin", into: errorOut)
        return ETL_INTERNAL
    }
    let host = HostBatchBuilder.unretained(builder)
    guard let out else {
        let status = host.fail(misuse: "batch_finish: out is NULL; pass the address of a struct ArrowArray to receive the batch")
        HostErrorText.write(status, String(cString: host.lastError), into: errorOut)
        return status
    }
    do throws(ArrowError) {
        try host.builder.finish(into: out)
        return ETL_OK
    } catch {
        let status = host.fail(error)
        HostErrorText.write(status, "batch_finish: \(error.message)", into: errorOut)
        return status
    }
}

private func hostBatchLastError(_ builder: OpaquePointer?) -> UnsafePointer<CChar>? {
    guard let builder else { return hostEmptyText() }
    return UnsafePointer(HostBatchBuilder.unretained(builder).lastError)
}

/// "" with static storage, for a NULL builder.
private func hostEmptyText() -> UnsafePointer<CChar> {
    let empty: StaticString = ""
    return UnsafeRawPointer(empty.utf8Start).assumingMemoryBound(to: CChar.self)
}

private func hostBatchFree(_ builder: OpaquePointer?) {
    guard let builder else { return }
    HostBatchBuilder.release(builder)
}

private func hostSetError(_ errorOut: UnsafeMutablePointer<etl_error>?, _ code: etl_status, _ message: UnsafePointer<CChar>?) {
    guard let errorOut else { return }
    guard let message else {
        HostErrorText.write(code, UnsafeRawBufferPointer(start: nil, count: 0), into: errorOut)
        return
    }
    HostErrorText.write(code, UnsafeRawBufferPointer(start: message, count: strlen(message)), into: errorOut)
}
