import CLibPQ
import ETLPluginKit

extension PostgresConnection {
    /// Runs `COPY ... FROM STDIN (FORMAT binary)` (`sql`), with `produce` filling the stream after
    /// its header and sending full buffers through the function it is given; returns the rows the
    /// server copied. A failure while producing cancels the COPY (the server discards it and the
    /// transaction is failed), so no partial batch is ever kept.
    func copyIn(_ sql: String, what: String,
                _ produce: (CopyBuffer, (CopyBuffer) throws(PluginError) -> Void) throws(PluginError) -> Void) throws(PluginError) -> Int64 {
        let started = PQexec(handle, sql)
        let status = started.map(PQresultStatus) ?? PGRES_FATAL_ERROR
        if status != PGRES_COPY_IN {
            defer { PQclear(started) }
            try check(started, what: what)
            throw .internalError("\(description): \(what): the server did not enter COPY mode")
        }
        PQclear(started)
        let buffer = CopyBuffer()
        buffer.appendHeader()
        do throws(PluginError) {
            try produce(buffer) { (full: CopyBuffer) throws(PluginError) in try self.send(full, what: what) }
            buffer.appendTrailer()
            try send(buffer, what: what)
        } catch {
            // Ends the COPY as failed; the server then reports an error, which is not the news.
            _ = PQputCopyEnd(handle, "etl-runtime cancelled the COPY: \(error.message)")
            drainResults()
            throw error
        }
        guard PQputCopyEnd(handle, nil) == 1 else {
            throw PostgresFailure.lostConnection(handle, what: "\(description): \(what)", password: password)
        }
        var copied: Int64 = 0
        var failure: PluginError?
        while let result = PQgetResult(handle) {
            if PQresultStatus(result) == PGRES_COMMAND_OK {
                copied = Int64(String(cString: PQcmdTuples(result))) ?? 0
            } else if failure == nil {
                failure = PostgresFailure.error(of: result, connection: handle, what: "\(description): \(what)", password: password)
            }
            PQclear(result)
        }
        if let failure { throw failure }
        return copied
    }

    private func send(_ buffer: CopyBuffer, what: String) throws(PluginError) {
        guard buffer.count > 0 else { return }
        guard PQputCopyData(handle, buffer.base.assumingMemoryBound(to: CChar.self), Int32(buffer.count)) == 1 else {
            throw PostgresFailure.lostConnection(handle, what: "\(description): \(what)", password: password)
        }
        buffer.removeAll()
    }

    private func drainResults() {
        while let result = PQgetResult(handle) { PQclear(result) }
    }
}
