extension EntryDraft {
    /// Where a problem of `transform` is reported: its step's JSON path (e.g.
    /// `$.control_table[0].transforms[2].rename`) and the step's place in the file. The index is
    /// the written one: steps that did not decode are not in `transforms`.
    func place(of transform: ManifestTransform) -> (path: JSONPath, location: JSONLocation?) {
        let node = nodes["transforms"]
        guard let stepIndex = transform.jsonPath.split(separator: "[").last.flatMap({ Int($0.dropLast()) }) else {
            return (path.appending(key: "transforms"), node?.location)
        }
        let location = node?.elements.map { $0.indices.contains(stepIndex) ? $0[stepIndex].location : node?.location } ?? node?.location
        return (path.appending(key: "transforms").appending(index: stepIndex).appending(key: transform.step.name), location)
    }
}
