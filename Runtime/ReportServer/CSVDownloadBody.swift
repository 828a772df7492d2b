import FlyingFox
import FlyingSocks
import Logging
import Synchronization

/// The body of a `/table.csv` response, for FlyingFox's `HTTPBodySequence(from:)` (sent with
/// chunked transfer encoding): the header line, then the rows' CSV lines, encoded as the
/// connection asks for the next chunk. Pulled, never pushed ahead: the process holds one chunk
/// and the cursor's few rows whatever the table's size, a slow client slows the read, and a
/// client that closes the connection ends it (FlyingFox's write fails, it drops the iterator, and
/// with it the cursor, its statement or transaction, and the reader's connection). Each chunk is
/// read synchronously on the connection's task, as the pages are.
struct CSVDownloadBody: AsyncBufferedSequence {
    typealias Element = UInt8

    /// Bytes per chunk on the wire.
    static let chunkBytes = 64 * 1024

    private let handoff: Handoff

    /// - Parameter encoder: moved in; the one iterator FlyingFox makes takes it over.
    init(_ encoder: sending CSVRowEncoder) {
        handoff = Handoff(encoder: Mutex(encoder))
    }

    func makeAsyncIterator() -> Iterator {
        // A second iteration (FlyingFox makes none: the body is not replayable) gets nothing.
        Iterator(encoder: handoff.encoder.withLock { encoder in
            let taken = encoder
            encoder = nil
            return taken
        })
    }

    /// Holds the encoder until the iterator takes it: a sequence must be Sendable, the cursor
    /// inside the encoder is not, and the mutex makes the single hand-over safe.
    private final class Handoff: Sendable {
        let encoder: Mutex<CSVRowEncoder?>

        init(encoder: consuming sending Mutex<CSVRowEncoder?>) {
            self.encoder = encoder
        }
    }

    struct Iterator: AsyncBufferedIteratorProtocol {
        let encoder: CSVRowEncoder?

        mutating func next() async throws -> UInt8? {
            try encoder?.take(1)?.first
        }

        mutating func nextBuffer(suggested count: Int) async throws -> [UInt8]? {
            try encoder?.take(Swift.max(count, 1))
        }
    }
}

/// CSV lines of a cursor's rows, a chunk at a time.
final class CSVRowEncoder {
    private let cursor: any SinkRowCursor
    /// `sink.table`, for the log.
    private let label: String
    private let logger: Logger
    /// Encoded and not yet taken: less than one chunk plus one row.
    private var pending: [UInt8]
    private var taken = 0
    private var rows = 0
    private var finished = false
    private var failed = false

    init(columns: [String], cursor: any SinkRowCursor, label: String, logger: Logger) {
        pending = Array(CSVText.line(columns).utf8)
        self.cursor = cursor
        self.label = label
        self.logger = logger
    }

    deinit {
        if !finished, !failed {
            logger.info("table.csv \(label): the client closed the connection after \(rows) rows; the read stopped there")
        }
    }

    /// Up to `count` bytes (never none: an empty chunk would end the chunked body), nil after
    /// the last row.
    func take(_ count: Int) throws(SinkReadFailure) -> [UInt8]? {
        pending.removeFirst(taken)
        taken = 0
        while pending.count < count, !finished {
            let row: SinkRow?
            do {
                row = try cursor.next()
            } catch {
                // The status line (200) and the first chunks are out: no status can tell the
                // client now. The error is logged, and thrown so that FlyingFox drops the
                // connection without the chunked body's last, empty chunk: the client sees an
                // incomplete transfer, never a CSV that looks whole.
                failed = true
                logger.error("table.csv \(label): the read failed after \(rows) rows, the download was cut short: \(error)")
                throw error
            }
            guard let row else {
                finished = true
                logger.info("table.csv \(label): all \(rows) rows read")
                break
            }
            pending.append(contentsOf: CSVText.line(row).utf8)
            rows += 1
        }
        guard !pending.isEmpty else { return nil }
        taken = min(count, pending.count)
        return Array(pending[..<taken])
    }
}
