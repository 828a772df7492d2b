/// Which entries a `run` runs, and in which order, from `--entry`, `--with-upstream`,
/// `--with-downstream` and `depends_on`.
extension Manifest {
    /// The entries `named` (every active one when none is), with the active upstreams
    /// (`withUpstream`) and downstreams (`withDownstream`) of the named ones, direct or not, in
    /// the order they run: each after the upstreams selected with it, otherwise in manifest
    /// order. A named entry runs even when inactive; ids that name no entry are left out.
    package func runSelection(named: [String], withUpstream: Bool = false, withDownstream: Bool = false) -> [ControlEntry] {
        let graph = DependencyGraph(controlTable)
        let active = Set(controlTable.filter(\.active).map(\.id))
        let start = named.isEmpty ? active : Set(named)
        var chosen = start
        if withUpstream { chosen.formUnion(graph.withUpstreams(start).intersection(active)) }
        if withDownstream { chosen.formUnion(graph.withDownstreams(start).intersection(active)) }
        return graph.runOrder(Array(chosen)).compactMap { entry(id: $0) }
    }

    /// Why some of `selected`'s upstreams will not run before them: an inactive entry is not
    /// run (unless named), so its downstreams read what it loaded last. One line per such pair.
    package func inactiveUpstreamNotes(_ selected: [ControlEntry]) -> [String] {
        let chosen = Set(selected.map(\.id))
        return selected.flatMap { entry in
            entry.dependsOn.compactMap { upstream in
                guard !chosen.contains(upstream), let found = self.entry(id: upstream), !found.active else { return nil }
                return "entry \(entry.id) depends on \(upstream), which is inactive (\"active\": false) and does not run: "
                    + "\(entry.id) reads what \(upstream) loaded last"
            }
        }
    }
}
