import CLibPQ
import ETLPluginKit

/// A COPY stream the encoder writes rows into: one connection (CopyIn) or several (CopyLanes).
protocol CopyStream: AnyObject {
    /// Where the encoder appends rows; `flush` takes them when the buffer passes its flush size.
    var buffer: CopyBuffer { get }
    /// Sends (or hands to libpq) the buffered rows.
    func flush(_ full: CopyBuffer) throws(PluginError)
    /// Ends the stream and returns the rows the server copied, or throws the server's error.
    func finish() throws(PluginError) -> Int64
    /// Ends the stream as failed; does nothing once ended.
    func cancel(_ reason: String)
}

/// One `COPY ... FROM STDIN (FORMAT binary)` kept open across a load's batches: a COPY per batch
/// would cost a round trip and a server-side COPY start per batch, and make the sink wait for the
/// server at the end of each batch instead of encoding the next one while the server stores this one.
///
/// Rows the server refuses (a constraint, say) are reported when the COPY ends, which `finish`
/// does before the state row and the commit, so nothing of a failed COPY is ever committed.
final class CopyIn: CopyStream {
    private let connection: PostgresConnection
    private let what: String
    let buffer = CopyBuffer()
    private var ended = false

    /// Starts `sql` on `connection`; the stream's header is buffered, not yet sent.
    init(_ sql: String, on connection: PostgresConnection, what: String) throws(PluginError) {
        self.connection = connection
        self.what = what
        try connection.startCopy(sql, what: what)
        buffer.appendHeader()
    }

    /// Sends the buffered bytes (the encoder calls this whenever the buffer passes its flush size).
    func flush(_ full: CopyBuffer) throws(PluginError) {
        try connection.queueCopyData(full, what: what)
    }

    /// Ends the stream and returns the rows the server copied, or throws the server's error.
    func finish() throws(PluginError) -> Int64 {
        ended = true
        buffer.appendTrailer()
        try connection.queueCopyData(buffer, what: what)
        return try connection.endCopy(what: what)
    }

    /// Ends the COPY as failed (the server discards it and fails the transaction); `reason` goes
    /// to the server's log. Does nothing once ended.
    func cancel(_ reason: String) {
        guard !ended else { return }
        ended = true
        connection.cancelCopy(reason)
    }
}

extension PostgresConnection {
    func startCopy(_ sql: String, what: String) throws(PluginError) {
        try sendCopy(sql, what: what)
        try awaitCopy(what: what)
    }

    /// Sends `sql` (a COPY FROM STDIN) without waiting for the server; `awaitCopy` waits. Apart
    /// so that several connections start their COPY at once (CopyLanes): each server process
    /// opens the table and plans the COPY, a few milliseconds, while the others do the same.
    func sendCopy(_ sql: String, what: String) throws(PluginError) {
        guard PQsendQuery(handle, sql) == 1 else {
            throw PostgresFailure.lostConnection(handle, what: "\(description): \(what)", password: password)
        }
    }

    /// Waits until the server, given `sendCopy`'s statement, is ready for the rows.
    func awaitCopy(what: String) throws(PluginError) {
        let started = PQgetResult(handle)
        defer { PQclear(started) }
        guard (started.map(PQresultStatus) ?? PGRES_FATAL_ERROR) == PGRES_COPY_IN else {
            // A refused COPY's error is followed by the end of its results: read them all, so the
            // connection takes statements again (the rollback, the staging table's drop).
            while let rest = PQgetResult(handle) { PQclear(rest) }
            try check(started, what: what)
            throw .internalError("\(description): \(what): the server did not enter COPY mode")
        }
    }

    /// Hands the buffered bytes to libpq and empties the buffer. In blocking mode they have left
    /// for the server when this returns; in nonblocking mode (CopyLanes) libpq may still hold them.
    func queueCopyData(_ buffer: CopyBuffer, what: String) throws(PluginError) {
        guard buffer.count > 0 else { return }
        guard PQputCopyData(handle, buffer.base.assumingMemoryBound(to: CChar.self), Int32(buffer.count)) == 1 else {
            throw copyFailure(what: what)
        }
        buffer.removeAll()
    }

    /// Why the COPY stream broke: the server's refusal when it sent one, else the lost connection.
    func copyFailure(what: String) -> PluginError {
        // libpq leaves COPY mode when the server refused a row mid-stream: its error is the news.
        if PQstatus(handle) == CONNECTION_OK, let refusal = serverResults(what: what).failure { return refusal }
        return PostgresFailure.lostConnection(handle, what: "\(description): \(what)", password: password)
    }

    /// Reads the results that are left: the rows a finished COPY copied, and the first error.
    private func serverResults(what: String) -> (copied: Int64, failure: PluginError?) {
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
        return (copied, failure)
    }

    func endCopy(what: String) throws(PluginError) -> Int64 {
        guard PQputCopyEnd(handle, nil) == 1 else {
            throw PostgresFailure.lostConnection(handle, what: "\(description): \(what)", password: password)
        }
        let (copied, failure) = serverResults(what: what)
        if let failure { throw failure }
        return copied
    }

    func cancelCopy(_ reason: String) {
        _ = PQputCopyEnd(handle, "etl-runtime cancelled the COPY: \(reason)")
        // The server's answer is the error the cancel caused, which is not the news.
        while let result = PQgetResult(handle) { PQclear(result) }
    }

    /// Leaves a COPY that `sendCopy` sent, whether or not `awaitCopy` waited for it, failed or
    /// was never sent: afterwards the connection takes statements again.
    func abandonCopy(_ reason: String) {
        _ = PQsetnonblocking(handle, 0)
        while let result = PQgetResult(handle) {
            let status = PQresultStatus(result)
            PQclear(result)
            if status == PGRES_COPY_IN {
                cancelCopy(reason)
                return
            }
        }
    }
}
