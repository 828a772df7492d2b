import CLibPQ
import Glibc
import ETLPluginKit

/// One `COPY ... FROM STDIN (FORMAT binary)` spread over several connections, each in its own
/// transaction, so several server backends store the rows at once: one backend's ingest (tuple
/// forming, heap insert, WAL) is what bounds a single COPY.
///
/// One thread drives every lane without blocking (libpq's nonblocking mode): a chunk of whole
/// rows goes to a lane whose previous chunk has left for the server, so the encoder runs while the
/// backends store, and a slow lane gets less. Each lane holds at most one chunk in libpq's buffer,
/// so memory stays at about `lanes × CopyBuffer.flushBytes` whatever the load's size.
///
/// The lanes commit on their own (autocommit COPY): they must write to a table no reader sees
/// until a transaction of the caller makes it visible (PGSwapLoad's staging table).
final class CopyLanes: CopyStream {
    private let lanes: [PostgresConnection]
    private let what: String
    /// Rows are encoded here, then handed to a lane as one chunk.
    let buffer = CopyBuffer()
    private var ended = false
    /// The lane to try first for the next chunk.
    private var next = 0

    /// Starts `sql` (a COPY FROM STDIN in binary format) on every connection, all sent before
    /// any answer is awaited, and sends each stream's header.
    init(_ sql: String, on lanes: [PostgresConnection], what: String) throws(PluginError) {
        self.lanes = lanes
        self.what = what
        do throws(PluginError) {
            for lane in lanes { try lane.sendCopy(sql, what: what) }
            for lane in lanes {
                try lane.awaitCopy(what: what)
                guard PQsetnonblocking(lane.handle, 1) == 0 else {
                    throw PostgresFailure.lostConnection(lane.handle, what: "\(lane.description): \(what)", password: lane.password)
                }
                let header = CopyBuffer()
                header.appendHeader()
                try lane.queueCopyData(header, what: what)
            }
        } catch {
            // The other lanes may be in COPY mode already: out of it, they can drop the staging table.
            for lane in lanes { lane.abandonCopy(error.message) }
            throw error
        }
    }

    /// Hands the buffered rows to the first lane that has sent its previous chunk, waiting for
    /// one when all are busy.
    func flush(_ full: CopyBuffer) throws(PluginError) {
        guard full.count > 0 else { return }
        let lane = try idleLane()
        try lane.queueCopyData(full, what: what)
        full.removeAll()
    }

    /// Ends every lane's stream and returns the rows the server copied in all, or throws the
    /// first lane's error.
    func finish() throws(PluginError) -> Int64 {
        try flush(buffer)
        ended = true
        var copied: Int64 = 0
        var failure: PluginError?
        for lane in lanes {
            do throws(PluginError) {
                _ = PQsetnonblocking(lane.handle, 0)
                let trailer = CopyBuffer()
                trailer.appendTrailer()
                try lane.queueCopyData(trailer, what: what)
                copied += try lane.endCopy(what: what)
            } catch {
                if failure == nil { failure = error }
            }
        }
        if let failure { throw failure }
        return copied
    }

    /// Ends every lane's COPY as failed; the rows any lane sent are rolled back with it.
    func cancel(_ reason: String) {
        guard !ended else { return }
        ended = true
        for lane in lanes {
            _ = PQsetnonblocking(lane.handle, 0)
            lane.cancelCopy(reason)
        }
    }

    /// A lane whose output has gone to the kernel; polls the busy ones until one is.
    private func idleLane() throws(PluginError) -> PostgresConnection {
        while true {
            // Round robin among the idle ones: a kernel buffer that takes every chunk at once
            // (TCP on loopback) would otherwise leave all the rows to the first lane.
            for step in 0..<lanes.count {
                let lane = lanes[(next + step) % lanes.count]
                switch PQflush(lane.handle) {
                case 0:
                    next = (next + step + 1) % lanes.count
                    return lane
                case 1: continue
                default: throw lane.copyFailure(what: what)
                }
            }
            var waits = lanes.map { pollfd(fd: PQsocket($0.handle), events: Int16(POLLOUT | POLLIN), revents: 0) }
            let ready = poll(&waits, nfds_t(waits.count), -1)
            if ready < 0 && errno != EINTR {
                throw .ioError("\(lanes[0].description): \(what): waiting for the server failed: \(String(cString: strerror(errno)))")
            }
            for (index, wait) in waits.enumerated() where wait.revents & Int16(POLLIN) != 0 {
                // The server speaks during COPY IN only to refuse it; it then discards the rest of
                // the stream, and `finish` reports the refusal. Reading keeps the socket drained.
                guard PQconsumeInput(lanes[index].handle) == 1 else { throw lanes[index].copyFailure(what: what) }
            }
        }
    }
}
