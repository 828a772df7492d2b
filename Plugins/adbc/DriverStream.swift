import CADBC
import CETLPlugin
import ETLArrow
import ETLPluginKit

/// A result stream a driver returned, with the statement that produced it (drivers may keep
/// the rows behind the statement, so it lives until the stream is released).
final class DriverStream {
    private let statement: ADBCStatement
    private let stream: UnsafeMutablePointer<ArrowArrayStream>
    let schema: DriverSchema

    /// Runs `sql` and reads the stream's schema.
    init(sql: String, session: ADBCSession) throws(PluginError) {
        let statement = try ADBCStatement(session)
        let stream = UnsafeMutablePointer<ArrowArrayStream>.allocate(capacity: 1)
        stream.initialize(to: ArrowArrayStream())
        do throws(PluginError) {
            try statement.setSQL(sql)
            try statement.executeQuery(into: stream, "running the query \(ADBCStatement.excerpt(sql))")
            schema = try Self.schema(of: stream, statement)
        } catch {
            // No deinit for a half-made object: release what the driver handed over here.
            stream.pointee.release?(stream)
            stream.deallocate()
            throw error
        }
        self.statement = statement
        self.stream = stream
    }

    private static func schema(of stream: UnsafeMutablePointer<ArrowArrayStream>, _ statement: ADBCStatement) throws(PluginError) -> DriverSchema {
        var raw = ArrowSchema()
        let status = stream.pointee.get_schema?(stream, &raw) ?? -1
        guard status == 0, raw.release != nil else {
            throw .ioError("the driver's result stream has no schema: \(lastError(of: stream, statement))")
        }
        defer { raw.release?(&raw) }
        do throws(ArrowError) {
            return try DriverSchema(importing: &raw)
        } catch {
            throw PluginError(error.kind == .unsupported ? .unsupported : .ioError, error.message)
        }
    }

    deinit {
        stream.pointee.release?(stream)
        stream.deallocate()
    }

    /// The next batch moved into `out`; false at the end of the stream.
    func next(into out: UnsafeMutablePointer<ArrowArray>) throws(ArrowError) -> Bool {
        out.initialize(to: ArrowArray())
        let status = stream.pointee.get_next?(stream, out) ?? -1
        guard status == 0 else {
            throw ArrowError(producerStatus: ETL_IO_ERROR, "the driver failed while returning rows: \(lastError)")
        }
        return out.pointee.release != nil
    }

    private var lastError: String { Self.lastError(of: stream, statement) }

    private static func lastError(of stream: UnsafeMutablePointer<ArrowArrayStream>, _ statement: ADBCStatement) -> String {
        let text = stream.pointee.get_last_error?(stream).map { String(cString: $0) } ?? "no detail given"
        return statement.scrub(text)
    }
}

/// Small queries whose answer we read ourselves (the state table).
enum DriverQuery {
    /// The first column of every row, as text (NULL: nil).
    static func texts(_ sql: String, session: ADBCSession) throws(PluginError) -> [String?] {
        let stream = try DriverStream(sql: sql, session: session)
        guard stream.schema.types.count >= 1 else { return [] }
        let isText = stream.schema.abi.fields[0].type == .utf8
        var found: [String?] = []
        do throws(ArrowError) {
            var batch = ArrowArray()
            while try stream.next(into: &batch) {
                defer { batch.release?(&batch) }
                let copy = try DriverBatchCopy(batch, schema: stream.schema)
                let builder = RecordBatchBuilder(schema: stream.schema.abi)
                try copy.append(rows: 0..<copy.rowCount, to: builder)
                var built = ArrowArray()
                try builder.finish(into: &built)
                let imported = try ImportedRecordBatch(taking: &built, schema: stream.schema.abi)
                let column = imported.column(0)
                for row in 0..<imported.rowCount {
                    found.append(column.isNull(row) || !isText ? nil : column.string(row))
                }
            }
        } catch {
            throw PluginError(.ioError, error.message)
        }
        return found
    }
}
