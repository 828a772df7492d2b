/// Checks of `depends_on` that need every entry: each id names an entry of the control table,
/// and no entry depends on itself, directly or through others (it could never start).
struct ManifestDependencyChecks {
    let reader: ManifestReader
    let draft: ManifestDraft

    func run() {
        let entries = draft.entries.filter { $0.id != nil }
        let known = entries.compactMap(\.id)
        let knownSet = Set(known)
        for entry in entries {
            guard let list = entry.nodes["depends_on"], let elements = list.elements else { continue }
            let path = entry.path.appending(key: "depends_on")
            for (index, element) in elements.enumerated() {
                guard let id = element.stringValue, ManifestDecoder.isEntryID(id), !knownSet.contains(id) else { continue }
                var message = "no entry with id \(reader.describe(element)) in the control table"
                if let suggestion = DidYouMean.suggestion(for: id, among: known) {
                    message += "; did you mean \(DidYouMean.quoted(suggestion))?"
                }
                message += " (entries: \(known.map(DidYouMean.quoted).joined(separator: ", ")))"
                reader.report(path.appending(index: index), at: element.location, message)
            }
        }
        let graph = DependencyGraph(entries.map { (id: $0.id!, dependsOn: $0.dependsOn) })
        for cycle in graph.cycles() {
            // Reported where the cycle's first entry (in the manifest) names the next one.
            guard let entry = entries.first(where: { $0.id == cycle[0] }), let list = entry.nodes["depends_on"],
                  let index = entry.dependsOn.firstIndex(of: cycle[1]) else { continue }
            let elementIndex = list.elements?.firstIndex { $0.stringValue == cycle[1] } ?? index
            let element = list.elements?[elementIndex]
            reader.report(
                entry.path.appending(key: "depends_on").appending(index: elementIndex), at: element?.location ?? list.location,
                "depends_on forms a cycle: \(cycle.joined(separator: " → ")) (each entry runs after the next one), so none of them "
                    + "could ever start; remove one of these dependencies")
        }
    }
}
