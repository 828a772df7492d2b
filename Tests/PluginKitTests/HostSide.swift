import CETLPlugin
import ETLArrow
import ETLPluginKit
import XCTest

/// Drives a plugin library's C tables exactly as the runtime does, so the tests exercise the
/// ABI rather than the Swift types behind it.
struct HostSide {
    let library: UnsafePointer<etl_plugin_library>
    let host: UnsafePointer<etl_host_api>

    /// The descriptors the library lists.
    var descriptors: [UnsafePointer<etl_plugin_descriptor>] {
        (0..<Int(library.pointee.plugin_count)).compactMap { library.pointee.plugins[$0] }
    }

    func descriptor(named name: String, file: StaticString = #filePath, line: UInt = #line) throws -> UnsafePointer<etl_plugin_descriptor> {
        try XCTUnwrap(descriptors.first { String(cString: $0.pointee.name) == name }, "no plugin named \(name)", file: file, line: line)
    }

    /// Calls the sink's `create_with_descriptor` (ABI 1.1) as the host does; returns the instance or
    /// the failure.
    func createSink(_ name: String, config: String) throws -> Result<SinkHandle, CErrorSnapshot> {
        let descriptor = try descriptor(named: name)
        let api = try XCTUnwrap(descriptor.pointee.sink)
        let create = try XCTUnwrap(api.pointee.create_with_descriptor)
        let error = CError()
        var instance: UnsafeMutableRawPointer?
        let status = create(descriptor, host, TestHost.instanceHandle, config, &instance, error.pointer)
        guard status == ETL_OK else { return .failure(CErrorSnapshot(status: status, error: error)) }
        return .success(SinkHandle(api: api, instance: try XCTUnwrap(instance)))
    }

    /// Calls the source's `create_with_descriptor`.
    func createSource(_ name: String, config: String) throws -> SourceHandle {
        let descriptor = try descriptor(named: name)
        let api = try XCTUnwrap(descriptor.pointee.source)
        let create = try XCTUnwrap(api.pointee.create_with_descriptor)
        let error = CError()
        var instance: UnsafeMutableRawPointer?
        let status = create(descriptor, host, TestHost.instanceHandle, config, &instance, error.pointer)
        XCTAssertEqual(status, ETL_OK, error.message)
        return SourceHandle(api: api, instance: try XCTUnwrap(instance))
    }
}

/// A failed call's status and message.
struct CErrorSnapshot: Error, Equatable {
    var status: etl_status
    var code: etl_status
    var message: String

    init(status: etl_status, error: CError) {
        self.status = status
        code = error.code
        message = error.message
    }
}

/// One sink instance, called through its `etl_sink_api`.
struct SinkHandle {
    let api: UnsafePointer<etl_sink_api>
    let instance: UnsafeMutableRawPointer

    private func call(_ body: (UnsafeMutablePointer<etl_error>) -> etl_status) -> CErrorSnapshot? {
        let error = CError()
        let status = body(error.pointer)
        return status == ETL_OK ? nil : CErrorSnapshot(status: status, error: error)
    }

    func check() -> CErrorSnapshot? { call { api.pointee.check!(instance, $0) } }

    func begin(target: String, mode: etl_write_mode, schema: ArrowSchemaDescription, entryID: String = "e1",
               runID: String = "run-1", primaryKey: [String] = [], options: String? = nil) -> CErrorSnapshot? {
        let cSchema = BatchFactory.makeSchema(schema)
        defer {
            cSchema.pointee.release?(cSchema)
            cSchema.deallocate()
        }
        let keys = primaryKey.map { UnsafePointer(strdup($0)) }
        defer { keys.forEach { free(UnsafeMutablePointer(mutating: $0)) } }
        return entryID.withCString { entry in
            runID.withCString { run in
                target.withCString { targetText in
                    keys.withUnsafeBufferPointer { keyList in
                        withOptionalCString(options) { optionsText in
                            var request = etl_load_request()
                            request.struct_size = UInt32(MemoryLayout<etl_load_request>.size)
                            request.entry_id = entry
                            request.run_id = run
                            request.target = targetText
                            request.write_mode = mode
                            request.primary_key_count = Int32(keys.count)
                            request.primary_key = keyList.baseAddress
                            request.schema = UnsafePointer(cSchema)
                            request.options_json = optionsText
                            return call { api.pointee.begin!(instance, &request, $0) }
                        }
                    }
                }
            }
        }
    }

    /// Hands `batch` over (the sink now owns it) and frees the caller's struct memory.
    func write(_ batch: UnsafeMutablePointer<ArrowArray>) -> CErrorSnapshot? {
        defer { batch.deallocate() }
        return call { api.pointee.write!(instance, batch, $0) }
    }

    func commit(state: String?) -> Result<Int64, CErrorSnapshot> {
        var rows: Int64 = -1
        let failure = withOptionalCString(state) { stateText in
            call { api.pointee.commit!(instance, stateText, &rows, $0) }
        }
        return failure.map { .failure($0) } ?? .success(rows)
    }

    func abort() -> CErrorSnapshot? { call { api.pointee.abort!(instance, $0) } }

    /// The state text, read while the returned pointer is valid (before any other call).
    func readState(entryID: String) -> Result<String?, CErrorSnapshot> {
        var state: UnsafePointer<CChar>?
        if let failure = call({ api.pointee.read_state!(instance, entryID, &state, $0) }) { return .failure(failure) }
        return .success(state.map { String(cString: $0) })
    }

    /// The raw pointer read_state returned, to check how long it stays valid.
    func readStatePointer(entryID: String) -> UnsafePointer<CChar>? {
        var state: UnsafePointer<CChar>?
        _ = call { api.pointee.read_state!(instance, entryID, &state, $0) }
        return state
    }

    func destroy() { api.pointee.destroy!(instance) }
}

/// One source instance, called through its `etl_source_api`.
struct SourceHandle {
    let api: UnsafePointer<etl_source_api>
    let instance: UnsafeMutableRawPointer

    func read(stream: String, state: String? = nil, batchSize: Int64, into out: UnsafeMutablePointer<ArrowArrayStream>) -> CErrorSnapshot? {
        let error = CError()
        let status = stream.withCString { streamText in
            withOptionalCString(state) { stateText in
                var request = etl_read_request()
                request.struct_size = UInt32(MemoryLayout<etl_read_request>.size)
                request.entry_id = streamText
                request.stream = streamText
                request.state_json = stateText
                request.batch_size = batchSize
                return api.pointee.read!(instance, &request, out, error.pointer)
            }
        }
        return status == ETL_OK ? nil : CErrorSnapshot(status: status, error: error)
    }

    func checkpoint() -> String? {
        let error = CError()
        var state: UnsafePointer<CChar>?
        XCTAssertEqual(api.pointee.checkpoint!(instance, &state, error.pointer), ETL_OK, error.message)
        return state.map { String(cString: $0) }
    }

    func discover(into out: UnsafeMutablePointer<ArrowSchema>) -> etl_status {
        let error = CError()
        return api.pointee.discover!(instance, out, error.pointer)
    }

    func destroy() { api.pointee.destroy!(instance) }
}

/// Runs `body` with a C string for `text`, or NULL.
func withOptionalCString<R>(_ text: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
    guard let text else { return body(nil) }
    return text.withCString { body($0) }
}
