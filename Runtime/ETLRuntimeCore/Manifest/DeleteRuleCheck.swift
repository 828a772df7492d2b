/// `delete_when` only means something to a load that can remove what it matches: write merge
/// (the key's row is deleted) or scd2 (the key's current version is closed), into a sink that
/// declares the `deletes` capability. It reads the columns as the source sends them (type-checked
/// with the transforms when the source's columns are known: TransformSchemaCheck), and its flag
/// travels hidden through the transforms, so no transform may make a column of the flag's name.
struct DeleteRuleCheck {
    let reader: ManifestReader

    func check(_ entry: EntryDraft, sink: EndpointDraft?) {
        guard let node = entry.nodes["delete_when"], entry.model == nil else { return }
        let path = entry.path.appending(key: "delete_when")
        if let write = entry.effectiveWrite, write != .merge, write != .scd2 {
            let defaulted = entry.write == nil ? " (the default for mode \"\(entry.mode?.rawValue ?? "")\")" : ""
            reader.report(path, at: node.location,
                          "\"delete_when\" applies to write \"merge\" (a matching row deletes its key) and \"scd2\" (it closes the key's "
                            + "current version), and write \"\(write.rawValue)\"\(defaulted) has no key to delete; use write \"merge\" or \"scd2\" with a primary_key, or a \"filter\" transform to leave rows out")
        }
        if let sink, let contract = sink.contract, !contract.capabilities.contains(PluginCapability.deletes.rawValue) {
            reader.report(path, at: node.location,
                          "sink \(DidYouMean.quoted(sink.name)) (plugin \(DidYouMean.quoted(contract.name))) cannot apply deletes "
                            + "(no \"deletes\" capability); remove delete_when or point the entry at a sink that can, such as a \"sqlite\" sink")
        }
        // The columns it reads are the source's, which only the source's schema can tell; but
        // a transform naming a column like the flag is wrong whatever they are.
        guard entry.deleteWhen != nil else { return }
        for transform in entry.transforms where DeleteFlagStep.namesFlag(transform.step) {
            let place = entry.place(of: transform)
            reader.report(place.path, at: place.location, DeleteFlagStep.reservedMessage)
        }
    }
}
