import Glibc
import ETLPluginKit

/// Opens a swap load's extra connections (PGSwapLoad's lanes) on threads of their own while the
/// load's connection reads the catalog, so their set-up (TCP, authentication, a backend's start,
/// the session settings) is not added to the load's start one after the other.
///
/// Measured on the census bench's local server: `begin` of a swap took about 27 ms from the
/// load's connection to the second lane's, of which the two lanes, opened in turn, took 9 ms.
///
/// Each thread only connects; the connections are used, by the plugin instance's thread alone,
/// after `take` joined the threads. One not taken (the target could not be swapped, or `begin`
/// failed) is closed when the connector goes.
final class PGLaneConnector {
    /// What one thread made: set by that thread before it ends, read after the join.
    private final class Slot: @unchecked Sendable {
        let settings: PostgresSinkSettings
        let host: PluginHost
        var result: Result<PostgresConnection, PluginError>?

        init(settings: PostgresSinkSettings, host: PluginHost) {
            self.settings = settings
            self.host = host
        }
    }

    private var threads: [pthread_t] = []
    private var slots: [Slot] = []
    private var joined = false

    /// Starts `count` connections with `settings`. A thread that cannot be created connects
    /// here instead, in turn.
    init(count: Int, settings: PostgresSinkSettings, host: PluginHost) {
        for _ in 0..<count {
            let slot = Slot(settings: settings, host: host)
            slots.append(slot)
            var thread = pthread_t()
            let context = Unmanaged.passRetained(slot).toOpaque()
            let started = pthread_create(&thread, nil, { context in
                let slot = Unmanaged<Slot>.fromOpaque(context!).takeRetainedValue()
                slot.result = PGLaneConnector.connect(slot)
                return nil
            }, context)
            if started == 0 {
                threads.append(thread)
            } else {
                Unmanaged<Slot>.fromOpaque(context).release()
                slot.result = PGLaneConnector.connect(slot)
            }
        }
    }

    deinit { joinAll() }

    /// The connections, once all are open; throws the first one's failure (closing the others).
    func take() throws(PluginError) -> [PostgresConnection] {
        joinAll()
        var connections: [PostgresConnection] = []
        for slot in slots {
            switch slot.result {
            case .success(let connection): connections.append(connection)
            case .failure(let error): throw error
            case nil: throw .internalError("a connection of the swap load was not opened")
            }
        }
        slots.removeAll()
        return connections
    }

    private func joinAll() {
        guard !joined else { return }
        joined = true
        for thread in threads { pthread_join(thread, nil) }
    }

    private static func connect(_ slot: Slot) -> Result<PostgresConnection, PluginError> {
        do throws(PluginError) {
            return .success(try PostgresConnection(settings: slot.settings, host: slot.host))
        } catch {
            return .failure(error)
        }
    }
}
