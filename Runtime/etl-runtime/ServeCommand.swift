import ArgumentParser
import ETLRuntimeCore
import Foundation
import ReportServer

/// `etl-runtime serve`: the report live, and a read-only viewer of the sinks' tables.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the report live, with a read-only viewer of the sinks' tables (paging, sort, filter, CSV).",
        discussion: """
            Pages: the report at /, the sink tables at /tables, and the entries' metrics in the Prometheus text \
            format at /metrics (the same as --metrics-file, read from the state at each request). \
            Listens on 127.0.0.1:8080 unless told otherwise. Any other than a loopback address needs a token \
            (--token-env NAME: the variable's value), sent as 'Authorization: Bearer TOKEN' or given once as ?token=TOKEN, \
            which sets a cookie. SIGINT or SIGTERM stops it (requests under way finish first).
            """)

    @OptionGroup var location: PluginLocationOptions
    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("The address to listen on, HOST:PORT (port 0: any free port).", valueName: "host:port"))
    var listen = "127.0.0.1:8080"

    @Option(name: .customLong("token-env"), help: ArgumentHelp("The environment variable that holds the access token.", valueName: "name"))
    var tokenEnvironment: String?

    func run() throws {
        global.bootstrapLogging()
        let address: ListenAddress
        do {
            address = try ListenAddress(parsing: listen)
        } catch {
            Console.error("etl-runtime: serve: \(error)")
            throw ExitCodes.usage
        }
        var token: AccessToken?
        if let name = tokenEnvironment {
            guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
                Console.error("etl-runtime: serve: --token-env \(name): the variable is unset or empty; export the token in it")
                throw ExitCodes.usage
            }
            token = AccessToken(value)
        }
        let state = try location.loadStateContext()
        let manifest = location.loadWholeManifest()
        let server: ReportServer
        do {
            server = try ReportServer(address: address, state: state, manifestName: location.manifestPath, manifest: manifest, token: token)
        } catch {
            Console.error("etl-runtime: serve: \(error)")
            throw ExitCodes.usage
        }
        try ServeLoop.run(server)
    }
}

/// Runs the server on Swift's concurrency pool while the main thread waits, and stops it on the
/// first SIGINT or SIGTERM (the signals are taken from their default action and delivered to a
/// dispatch source instead, where stopping may take locks and await).
enum ServeLoop {
    static func run(_ server: ReportServer) throws {
        let finished = DispatchSemaphore(value: 0)
        let failure = FailureBox()
        let queue = DispatchQueue(label: "etl.serve.signals")
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                Console.error("etl-runtime: serve: stopping (signal \(number))")
                failure.stopRequested()
                Task { await server.stop() }
            }
            source.resume()
            sources.append(source)
        }
        Task {
            do {
                try await server.run()
            } catch {
                failure.set("\(error)")
            }
            finished.signal()
        }
        Task {
            if let url = try? await server.listeningURL() {
                // stdout, one line: what a script (or a test) reads to find the port.
                FileHandle.standardOutput.write(Data("serving \(url)\n".utf8))
            }
        }
        finished.wait()
        sources.forEach { $0.cancel() }
        if let message = failure.get() {
            Console.error("etl-runtime: serve: cannot listen on \(server.address): \(message)")
            // EX_UNAVAILABLE: the address is taken or not this machine's.
            throw ExitCode(69)
        }
    }
}

/// The server task's error, handed to the waiting main thread; none once a stop was asked for
/// (closing the listening socket ends `run` with an error that is then the expected end).
private final class FailureBox: @unchecked Sendable {
    private var message: String?
    private var stopping = false
    private let lock = NSLock()
    func stopRequested() { lock.withLock { stopping = true } }
    func set(_ text: String) { lock.withLock { if !stopping { message = text } } }
    func get() -> String? { lock.withLock { message } }
}
