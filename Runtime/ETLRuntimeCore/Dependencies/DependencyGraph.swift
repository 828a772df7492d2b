/// The entries of a manifest and their `depends_on`, as a graph: edges point from an entry to
/// the entries it depends on (its upstreams). Answers the questions `validate` and `run` ask:
/// is there a cycle, what does an entry need, what needs it, in which order do they run.
///
/// Ids in `depends_on` that name no entry are ignored here (the manifest checks report them).
package struct DependencyGraph: Sendable {
    /// Every entry id, in manifest order: the order ties are broken in.
    package let ids: [String]
    /// The known upstreams of each id, in the order written.
    private let upstreamsByID: [String: [String]]
    private let position: [String: Int]

    /// `entries`: each id with its `depends_on`, in manifest order.
    package init(_ entries: [(id: String, dependsOn: [String])]) {
        var position: [String: Int] = [:]
        for (index, entry) in entries.enumerated() where position[entry.id] == nil { position[entry.id] = index }
        self.position = position
        ids = entries.map(\.id).enumerated().filter { position[$0.element] == $0.offset }.map(\.element)
        var upstreams: [String: [String]] = [:]
        for entry in entries where upstreams[entry.id] == nil {
            upstreams[entry.id] = entry.dependsOn.filter { position[$0] != nil }
        }
        upstreamsByID = upstreams
    }

    /// The entries `ControlEntry.dependsOn` names, for the loaded manifest.
    package init(_ entries: [ControlEntry]) {
        self.init(entries.map { (id: $0.id, dependsOn: $0.dependsOn) })
    }

    /// The entries `id` depends on directly.
    package func upstreams(of id: String) -> [String] {
        upstreamsByID[id] ?? []
    }

    /// The entries that depend on `id` directly, in manifest order.
    package func downstreams(of id: String) -> [String] {
        ids.filter { upstreams(of: $0).contains(id) }
    }

    /// `ids` and every entry they depend on, directly or not.
    package func withUpstreams(_ start: Set<String>) -> Set<String> {
        closure(start, next: upstreams(of:))
    }

    /// `ids` and every entry that depends on them, directly or not.
    package func withDownstreams(_ start: Set<String>) -> Set<String> {
        closure(start, next: downstreams(of:))
    }

    private func closure(_ start: Set<String>, next: (String) -> [String]) -> Set<String> {
        var reached = start
        var pending = Array(start)
        while let id = pending.popLast() {
            for other in next(id) where reached.insert(other).inserted { pending.append(other) }
        }
        return reached
    }

    /// Every cycle, each once, as the path that closes it: `["a", "b", "a"]` when a depends on b
    /// and b on a. Each starts at the member written first in the manifest.
    package func cycles() -> [[String]] {
        var state: [String: VisitState] = [:]
        var stack: [String] = []
        var found: [[String]] = []
        var seenMembers: Set<[String]> = []
        func visit(_ id: String) {
            state[id] = .onStack
            stack.append(id)
            for upstream in upstreams(of: id) {
                switch state[upstream] {
                case .onStack:
                    var members = Array(stack[stack.lastIndex(of: upstream)!...])
                    let first = members.indices.min { position[members[$0]]! < position[members[$1]]! }!
                    members = Array(members[first...] + members[..<first])
                    if seenMembers.insert(members.sorted()).inserted { found.append(members + [members[0]]) }
                case .done:
                    break
                case nil:
                    visit(upstream)
                }
            }
            stack.removeLast()
            state[id] = .done
        }
        for id in ids where state[id] == nil { visit(id) }
        return found
    }

    private enum VisitState { case onStack, done }

    /// `selected` in an order where every entry comes after the upstreams selected with it;
    /// otherwise in manifest order. Entries of a cycle (refused when the manifest loads) keep
    /// their manifest order at the end.
    package func runOrder(_ selected: [String]) -> [String] {
        let chosen = Set(selected)
        var remaining = ids.filter { chosen.contains($0) }
        var placed: Set<String> = []
        var order: [String] = []
        while !remaining.isEmpty {
            guard let next = remaining.firstIndex(where: { id in upstreams(of: id).allSatisfy { !chosen.contains($0) || placed.contains($0) } }) else {
                order += remaining
                break
            }
            let id = remaining.remove(at: next)
            placed.insert(id)
            order.append(id)
        }
        return order
    }
}
