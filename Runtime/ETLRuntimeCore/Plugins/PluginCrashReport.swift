#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Names the plugin responsible when the process dies of a crash inside a plugin call.
///
/// A crash's own backtrace often points at the runtime: a sink that releases a batch twice
/// frees host memory twice, inside the host's release callback. What the host does know is
/// which plugin call the crashing thread was in (`PluginCallSite.run` marks it in a
/// thread-specific slot). On SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT or SIGTRAP, the handler
/// writes that site's pre-made lines with write(2) — to stderr, and to the worker's channel
/// when one was given, so the run records the plugin in the entry's error — then puts back the
/// handler it replaced (the Swift runtime's backtracer, or the default) and lets the signal
/// take its course: a fault re-runs the faulting instruction, anything else is raised again.
/// Nothing in the handler allocates or locks.
package enum PluginCrashReport {
    /// The thread-specific slot holding the current thread's `PluginCallSite.Lines`, or NULL.
    static let threadSite: pthread_key_t = {
        var key = pthread_key_t()
        guard pthread_key_create(&key, nil) == 0 else { fatalError("etl-runtime: no thread-specific key left for crash reports") }
        return key
    }()

    /// Where the worker's messages to its run go (-1: nowhere; stderr only).
    private static let messageDescriptor = Atomic<Int32>(-1)
    private static let installed = Mutex(false)
    /// The actions replaced, in `signals` order; written once, before any handler is installed.
    nonisolated(unsafe) private static var replaced: UnsafeMutablePointer<sigaction>?
    private static let signals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP]

    /// Installs the handlers (once per process); with `descriptor`, crash lines also go there as
    /// `WorkerMessage` JSON lines (`{"crashedIn": "..."}`).
    package static func install(reportingTo descriptor: Int32? = nil) {
        if let descriptor { messageDescriptor.store(descriptor, ordering: .sequentiallyConsistent) }
        installed.withLock { done in
            guard !done else { return }
            done = true
            // Initialise every global the handler reads now: a first use may take a lock.
            _ = threadSite
            let saved = UnsafeMutablePointer<sigaction>.allocate(capacity: signals.count)
            saved.initialize(repeating: sigaction(), count: signals.count)
            replaced = saved
            var action = sigaction()
            action.__sigaction_handler.sa_sigaction = handleCrash
            action.sa_flags = SA_SIGINFO | SA_ONSTACK
            sigemptyset(&action.sa_mask)
            for (index, number) in signals.enumerated() {
                sigaction(number, &action, saved + index)
            }
        }
    }

    /// The slot of `signal` in `replaced`, without touching the array (no retain in a handler).
    private static func slot(_ signal: Int32) -> Int? {
        switch signal {
        case SIGSEGV: 0
        case SIGBUS: 1
        case SIGILL: 2
        case SIGFPE: 3
        case SIGABRT: 4
        case SIGTRAP: 5
        default: nil
        }
    }

    private static let handleCrash: @convention(c) (Int32, UnsafeMutablePointer<siginfo_t>?, UnsafeMutableRawPointer?) -> Void = {
        signal, info, _ in
        if let site = pthread_getspecific(PluginCrashReport.threadSite) {
            let lines = site.assumingMemoryBound(to: PluginCallSite.Lines.self).pointee
            PluginCrashReport.writeAll(STDERR_FILENO, lines.text)
            let descriptor = PluginCrashReport.messageDescriptor.load(ordering: .relaxed)
            if descriptor >= 0 { PluginCrashReport.writeAll(descriptor, lines.message) }
        }
        if let slot = PluginCrashReport.slot(signal), let replaced = PluginCrashReport.replaced {
            sigaction(signal, replaced + slot, nil)
        } else {
            Glibc.signal(signal, SIG_DFL)
        }
        // A fault (si_code > 0 from the kernel) happens again when the instruction re-runs, now
        // reaching the replaced handler with its true address. abort(), raise() and kill() do not
        // repeat themselves, and a trap resumes after its instruction: raise those again (blocked
        // until this handler returns).
        let sentByKernel = (info?.pointee.si_code ?? 0) > 0
        if !sentByKernel || signal == SIGABRT || signal == SIGTRAP { raise(signal) }
    }

    private static func writeAll(_ descriptor: Int32, _ bytes: UnsafeBufferPointer<UInt8>) {
        guard var next = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let written = write(descriptor, next, left)
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { return }
            next += written
            left -= written
        }
    }
}
