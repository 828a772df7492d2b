import ETLRuntimeCore
import FlyingFox
import FlyingSocks
import Foundation

/// `serve`: the report and the table viewer over HTTP (FlyingFox), on a loopback address unless a
/// token guards it.
package final class ReportServer: Sendable {
    let server: HTTPServer
    package let address: ListenAddress

    /// Why the server must not start as asked.
    package struct Refused: Error, CustomStringConvertible {
        package var description: String
        package init(description: String) { self.description = description }
    }

    /// - Parameters:
    ///   - manifest: the manifest loaded with its plugins, for the sinks, freshness and `/metrics`; or
    ///     why it could not load (the report still works from the state alone, the rest says why not).
    ///   - token: required of every request when set; it must be set for an address off loopback.
    package init(
        address: ListenAddress, state: StateContext, manifestName: String, manifest: Result<Manifest, ManifestUnavailable>,
        token: AccessToken?
    ) throws(Refused) {
        guard address.isLoopback || token != nil else {
            throw Refused(description: """
                --listen \(address): not a loopback address, so a token is required: put one in an environment variable \
                and name it with --token-env NAME (or listen on 127.0.0.1)
                """)
        }
        self.address = address
        let sinks: SinkDatabases
        switch manifest {
        case .success(let manifest): sinks = SinkDatabases(manifest: manifest)
        case .failure(let problem): sinks = SinkDatabases(problem: "The sink tables cannot be shown: \(problem.description)")
        }
        let site = ReportSite(state: state, manifestName: manifestName, manifest: manifest, sinks: sinks, token: token)
        let socketAddress: any SocketAddress
        do {
            socketAddress = address.isIPv6
                ? try sockaddr_in6.inet6(ip6: address.host, port: address.port)
                : try sockaddr_in.inet(ip4: address.host, port: address.port)
        } catch {
            throw Refused(description: "--listen \(address): \(error)")
        }
        server = HTTPServer(address: socketAddress, timeout: 30, logger: .disabled, handler: site)
    }

    /// Serves until `stop()`; throws when the address cannot be bound.
    package func run() async throws {
        try await server.run()
    }

    /// The address it listens on once it does (the port the system chose for port 0).
    package func listeningURL() async throws -> String {
        try await server.waitUntilListening(timeout: 10)
        switch await server.listeningAddress {
        case .ip4(let host, let port): return "http://\(host):\(port)/"
        case .ip6(let host, let port): return "http://[\(host)]:\(port)/"
        default: return "http://\(address)/"
        }
    }

    /// Stops accepting, lets requests under way finish (up to 1 s: every page is built in
    /// milliseconds; a CSV download still streaming then is cut short), and returns.
    package func stop() async {
        await server.stop(timeout: 1)
    }
}
