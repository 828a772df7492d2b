/// A SQL model reads tables of its sink, but `run` orders entries only by `depends_on`. When a
/// model reads the target of another entry of the same sink that is not among its upstreams
/// (directly or through another upstream), nothing keeps `run` from starting the model before
/// that entry has loaded, or beside it with `--jobs`: the model then reads the previous load.
///
/// A warning in the run log, not a refusal: reading the last completed load may be what the
/// model means, and what a query reads is known only once its sink has compiled it (the sink
/// reports it from `run_model`), so `validate` cannot see it.
package enum UndeclaredUpstreams {
    /// One entry the model reads from without depending on it.
    package struct Finding: Sendable, Equatable {
        /// The entry that loads the tables.
        package var entryID: String
        /// The tables (as the sink named them) the model read from that entry's target.
        package var tables: [String]
    }

    /// The entries of `manifest` whose target `model`'s run read (`reads`), in the same sink,
    /// that `model` does not depend on, in manifest order. The model's own target (an
    /// incremental model reading what it loaded before) is not an upstream.
    package static func find(model: ControlEntry, reads: [String], manifest: Manifest) -> [Finding] {
        let upstreams = DependencyGraph(manifest.controlTable).withUpstreams([model.id])
        var findings: [Finding] = []
        for other in manifest.controlTable where other.id != model.id && other.sink == model.sink && !upstreams.contains(other.id) {
            // SQLite compares table names without regard to ASCII case.
            let tables = reads.filter { $0.lowercased() == other.target.lowercased() }
            if !tables.isEmpty { findings.append(Finding(entryID: other.id, tables: tables)) }
        }
        return findings
    }

    /// The warning for `finding`: what was read, why it matters, and the line to add.
    package static func warning(_ finding: Finding, model: ControlEntry) -> String {
        let tables = finding.tables.joined(separator: ", ")
        return "SQL model \(model.id) read \(tables), which entry \(finding.entryID) loads, but \(finding.entryID) is not in its "
            + "depends_on: run may start \(model.id) before \(finding.entryID) has loaded (or beside it, with --jobs), and "
            + "then \(model.id) reads the previous load. Add \"\(finding.entryID)\" to \(model.jsonPath).depends_on"
    }
}
