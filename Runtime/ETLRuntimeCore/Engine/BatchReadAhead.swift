import ETLArrow
import Foundation

/// Reads a source's batches one ahead on a thread of its own, so the source produces batch
/// N+1 (parsing a file, fetching and scanning pages) while the sink writes batch N: on two
/// cores a load then takes about the longer of the two instead of their sum.
///
/// Plugin rules kept: while the reader runs, it is the only thread calling the source
/// instance, one call at a time (the ABI's `[instance]` rule; `finish` joins it before the
/// caller touches the source again). Each batch comes with the rejects reported while it was
/// produced and, when asked for, the checkpoint matching exactly the rows yielded so far,
/// taken before the next `get_next`. At most two batches are alive at once: the one the sink
/// writes and the one being read ahead.
final class BatchReadAhead: @unchecked Sendable {
    struct Item {
        let batch: ImportedRecordBatch
        let rejects: [SourceReject]
        /// The source's checkpoint after this batch (nil when checkpoints were not asked for).
        let checkpoint: String?
        /// Rows the source sent for this item: the batch's, unless transforms changed them.
        let sourceRows: Int
    }

    private enum Slot {
        case empty
        case item(Item)
        case end
        case failure(any Error)
    }

    private let read: SourceReadStream
    private let takesCheckpoints: Bool
    /// The entry's transforms, run on the reader's thread so they overlap the sink's writes.
    private let transform: ((Item) throws -> Item)?
    private let condition = NSCondition()
    private var slot = Slot.empty
    private var stopping = false
    private var readerDone = false

    /// Starts reading `read`; with `checkpoints` (an incremental load), every item carries the
    /// checkpoint after it, which must be JSON text (see `SourceInstance.checkpoint(_:required:)`).
    /// `transform` rewrites each item (the entry's transforms) on the reader's thread.
    init(_ read: SourceReadStream, checkpoints: Bool, transform: ((Item) throws -> Item)? = nil) {
        self.read = read
        takesCheckpoints = checkpoints
        self.transform = transform
        let thread = Thread { [self] in readAll() }
        thread.name = "etl-read-ahead"
        thread.start()
    }

    /// The next batch, nil at the end of the stream; rethrows the source's error.
    func next() throws -> Item? {
        condition.lock()
        defer { condition.unlock() }
        while case .empty = slot { condition.wait() }
        switch slot {
        case .item(let item):
            slot = .empty
            condition.broadcast()
            return item
        case .end, .empty:
            return nil
        case .failure(let error):
            throw error
        }
    }

    /// Stops reading (a batch read ahead is dropped; a source call in flight finishes first,
    /// and the source is asked to hurry through `is_cancelled`) and waits for the reader. Once
    /// it returns, the calling thread may use the source again. Safe to call more than once.
    func finish() {
        condition.lock()
        defer { condition.unlock() }
        if !readerDone, !stopping {
            stopping = true
            read.source.context.requestStop()
        }
        slot = .empty
        condition.broadcast()
        while !readerDone { condition.wait() }
    }

    private func readAll() {
        defer {
            condition.lock()
            readerDone = true
            condition.broadcast()
            condition.unlock()
        }
        while waitForRoom() {
            do {
                guard let batch = try read.next() else {
                    publish(.end)
                    return
                }
                let rejects = read.source.context.takeRejects()
                // Checkpoints are taken for incremental loads, which cannot resume without one.
                let checkpoint = takesCheckpoints
                    ? try read.source.checkpoint(.afterBatch(rows: batch.rowCount), required: true) : nil
                let item = Item(batch: batch, rejects: rejects, checkpoint: checkpoint, sourceRows: batch.rowCount)
                publish(.item(try transform?(item) ?? item))
            } catch {
                publish(.failure(error))
                return
            }
        }
    }

    /// Waits until the batch read ahead was taken; false once the consumer stopped.
    private func waitForRoom() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while case .item = slot, !stopping { condition.wait() }
        return !stopping
    }

    private func publish(_ value: Slot) {
        condition.lock()
        defer { condition.unlock() }
        guard !stopping else { return }
        slot = value
        condition.broadcast()
    }
}
