/// Which entry of a round may start next: an entry starts once every upstream it depends on
/// (`depends_on`) that is in the round has ended; if one of them did not succeed, the entry
/// is skipped instead. Upstreams outside the round do not hold anything back: `run --entry X`
/// runs X on what its upstreams loaded before.
///
/// A value type with no clock or threads, so the order is decided in one place and tested
/// alone; `RoundRunner` asks it for the next step whenever an entry ends.
package struct RoundSchedule: Sendable {
    /// What the round should do next.
    package enum Step: Sendable, Equatable {
        /// Start the entry at this index.
        case start(Int)
        /// Record the entry at this index as skipped, because `upstream` ended this way (`elsewhere`:
        /// not run here, and not recorded, see `EntryRunResult.Status.elsewhere`).
        case skip(Int, upstream: String, because: UpstreamOutcome)
    }

    /// How an upstream ended, as far as its downstreams care.
    package enum UpstreamOutcome: Sendable, Equatable {
        case ended(EntryRunResult.Status)
        /// Another run holds its lock: it may be rewriting its target right now.
        case heldElsewhere
    }

    private enum State: Equatable {
        case waiting, running
        case ended(UpstreamOutcome)
    }

    private let ids: [String]
    /// For each entry, the indices of its upstreams in this round.
    private let upstreams: [[Int]]
    private var states: [State]

    /// `entries` in the order they should start when free to (their run order), each with its
    /// `depends_on`; `heldElsewhere`: entries another run holds, which count as upstreams that
    /// did not run.
    package init(_ entries: [(id: String, dependsOn: [String])], heldElsewhere: [String] = []) {
        var all = entries
        for id in heldElsewhere where !entries.contains(where: { $0.id == id }) { all.append((id, [])) }
        ids = all.map(\.id)
        var index: [String: Int] = [:]
        for (position, id) in ids.enumerated() where index[id] == nil { index[id] = position }
        upstreams = all.map { entry in entry.dependsOn.compactMap { index[$0] } }
        states = all.map { _ in .waiting }
        for position in entries.count..<all.count { states[position] = .ended(.heldElsewhere) }
        for id in heldElsewhere { if let position = index[id] { states[position] = .ended(.heldElsewhere) } }
    }

    /// The next thing to do, or nil when nothing can happen until an entry ends. With
    /// `mayStart` false (every job slot taken) only skips are returned.
    package mutating func next(mayStart: Bool) -> Step? {
        for position in states.indices where states[position] == .waiting {
            var ready = true
            for upstream in upstreams[position] {
                switch states[upstream] {
                case .waiting, .running:
                    ready = false
                case .ended(.ended(.ok)):
                    continue
                case .ended(let outcome):
                    // An upstream another host runs (shared state): that host runs this entry
                    // after it, so here it is `elsewhere` too, down the chain.
                    states[position] = .ended(.ended(outcome == .ended(.elsewhere) ? .elsewhere : .skipped))
                    return .skip(position, upstream: ids[upstream], because: outcome)
                }
            }
            if ready, mayStart {
                states[position] = .running
                return .start(position)
            }
        }
        return nil
    }

    /// Records how the entry at `index` ended.
    package mutating func finished(_ index: Int, status: EntryRunResult.Status) {
        states[index] = .ended(.ended(status))
    }
}
