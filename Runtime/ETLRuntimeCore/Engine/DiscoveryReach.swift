/// How far `validate` and `run --dry-run` may go to learn a stream's columns before anything runs
/// (which sources that lets them ask: `OfflineDiscovery`).
package enum DiscoveryReach: Sendable, Equatable {
    /// `validate`: local work only, never a network request. It runs in editors, CI and
    /// pre-commit hooks, often where the servers are out of reach.
    case offline
    /// `run --dry-run`: a rehearsal on the host where `run` runs, so it may also connect to a
    /// database source's server. Each such discover gets `deadlineSeconds`; a server that has not
    /// answered by then costs the dry run a note, never a hang.
    case databaseServers(deadlineSeconds: Double)

    /// `run --dry-run`'s reach: 5 s per server, about what a reachable server needs to connect and
    /// answer a catalog query many times over, and short enough for a rehearsal typed by hand.
    package static let dryRun = DiscoveryReach.databaseServers(deadlineSeconds: 5)
}
