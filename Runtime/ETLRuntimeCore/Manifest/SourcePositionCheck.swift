/// `metadata`'s `source_position` asks the source for each row's position, which only a source
/// plugin with the `positions` capability (ETL_CAP_POSITIONS, ABI 1.2) sends. `validate` refuses
/// it for any other plugin, at the member that asks, so `run` never meets a stream without it.
struct SourcePositionCheck {
    let reader: ManifestReader

    func check(_ entry: EntryDraft, source: EndpointDraft) {
        guard let contract = source.contract, !contract.capabilities.contains(PluginCapability.positions.rawValue),
              entry.transforms.contains(where: { $0.step.asksSourcePositions }),
              let transforms = entry.nodes["transforms"]?.elements else { return }
        for (index, element) in transforms.enumerated() {
            guard let metadata = element.members?.first(where: { $0.key == "metadata" }) else { continue }
            let stepPath = entry.path.appending(key: "transforms").appending(index: index).appending(key: "metadata")
            for (path, location) in Self.sourcePositionRequests(metadata.value, stepPath) {
                reader.report(path, at: location,
                              "source \(DidYouMean.quoted(source.name)) (plugin \(DidYouMean.quoted(contract.name))) cannot send "
                                + "source positions (no \"positions\" capability); remove source_position, or read with a "
                                + "plugin that has it (csv, http, sqlite)")
            }
        }
    }

    /// Where a `metadata` value asks for `source_position`: object members and array elements.
    private static func sourcePositionRequests(_ node: JSONNode, _ path: JSONPath) -> [(JSONPath, JSONLocation)] {
        if let elements = node.elements {
            return elements.enumerated().compactMap { index, element in
                guard let name = element.stringValue, MetadataKind(columnName: name) == .sourcePosition else { return nil }
                return (path.appending(index: index), element.location)
            }
        }
        return (node.members ?? []).filter { $0.key == MetadataKind.sourcePosition.rawValue }
            .map { (path.appending(key: $0.key), $0.keyLocation) }
    }
}

extension TransformStep {
    /// Whether this step needs the source's per-row positions (`metadata` with `source_position`).
    package var asksSourcePositions: Bool {
        guard case .metadata(let columns) = self else { return false }
        return columns.contains { $0.kind == .sourcePosition }
    }
}

extension ControlEntry {
    /// Whether a read for this entry asks its source for positions (`"positions": true`).
    package var asksSourcePositions: Bool { transforms.contains { $0.step.asksSourcePositions } }
}
