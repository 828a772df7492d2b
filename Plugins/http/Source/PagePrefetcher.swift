#if canImport(Glibc)
import Glibc
#endif
import ETLPluginKit

/// Fetches a stream's pages on a thread of its own, so the next request is on the wire while
/// the reader converts the page before it: a read then takes about the longer of fetching and
/// converting instead of their sum.
///
/// The thread is the only user of the fetcher (and so of its `HTTPClient` and easy handle)
/// until `stop` joins it. It stays at most `depth` pages ahead, so memory stays bounded; pages,
/// then the end or the first error, reach the reader in order. It calls the host only through
/// `log` and `is_cancelled`, which the ABI allows from any thread; rejects are reported by the
/// reader, on the instance's thread.
final class PagePrefetcher: @unchecked Sendable {
    private enum Item {
        case page(FetchedPage)
        /// The last page was handed out; with how far the read fell short of the API's total.
        case end(ShortRead?)
        case failure(PluginError)
    }

    private let fetcher: any PageStream
    private let host: PluginHost
    private let depth: Int
    // Heap-allocated: pthread objects must not move, which a class's stored property may.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var items: [Item] = []
    private var stopping = false
    private var thread: pthread_t?

    /// Starts fetching at once: the first request goes out while the reader sets up.
    init(_ fetcher: any PageStream, host: PluginHost, depth: Int = 2) throws(PluginError) {
        self.fetcher = fetcher
        self.host = host
        self.depth = max(1, depth)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(changed, nil)
        var handle = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let status = pthread_create(&handle, nil, { context in
            let prefetcher = Unmanaged<PagePrefetcher>.fromOpaque(context!).takeRetainedValue()
            prefetcher.fetchAll()
            return nil
        }, context)
        guard status == 0 else {
            Unmanaged<PagePrefetcher>.fromOpaque(context).release()
            throw .internalError("the http source could not start its page-fetching thread (pthread_create returned \(status))")
        }
        thread = handle
    }

    deinit {
        // The thread holds this object until it ends, so an owner that never called `stop`
        // lets the last release happen on the thread itself, which cannot join itself.
        if let thread { pthread_detach(thread) }
        pthread_cond_destroy(changed)
        pthread_mutex_destroy(mutex)
        changed.deallocate()
        mutex.deallocate()
    }

    /// The next page in order, nil after the last one (see `shortRead`); rethrows the fetch's
    /// error once every page before it was taken.
    func next() throws(PluginError) -> FetchedPage? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while items.isEmpty {
            if stopping { throw .cancelled("the http source's read was stopped (a newer read or the instance's teardown took over its connection)") }
            pthread_cond_wait(changed, mutex)
        }
        switch items[0] {
        case .page(let page):
            items.removeFirst()
            pthread_cond_broadcast(changed)
            return page
        case .end:
            return nil
        case .failure(let error):
            throw error
        }
    }

    /// After `next` returned nil: how far the read fell short of the API's total, if it did.
    var shortRead: ShortRead? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        if case .end(let shortRead)? = items.first { return shortRead }
        return nil
    }

    /// Stops fetching and waits for the thread (its owner must call this: the thread keeps the
    /// prefetcher alive while it waits for room): a request in flight finishes first (or stops at
    /// the host's cancel). Pages fetched ahead are dropped. Safe to call more than once.
    func stop() {
        pthread_mutex_lock(mutex)
        stopping = true
        pthread_cond_broadcast(changed)
        let running = thread
        thread = nil
        pthread_mutex_unlock(mutex)
        if let running { pthread_join(running, nil) }
    }

    private func fetchAll() {
        while waitForRoom() {
            let item: Item
            do throws(PluginError) {
                if host.isCancelled { throw .cancelled("the http source stopped because the host asked to cancel the run") }
                item = try fetcher.next().map(Item.page) ?? .end(fetcher.shortRead())
            } catch {
                item = .failure(error)
            }
            pthread_mutex_lock(mutex)
            items.append(item)
            pthread_cond_broadcast(changed)
            pthread_mutex_unlock(mutex)
            guard case .page = item else { return }
        }
    }

    /// Waits while `depth` pages wait for the reader; false once stopping.
    private func waitForRoom() -> Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while items.count >= depth, !stopping { pthread_cond_wait(changed, mutex) }
        return !stopping
    }
}
