/// `delete_when` only means something to a load that can remove what it matches: write merge
/// (the key's row is deleted) or scd2 (the key's current version is closed), into a sink that
/// declares the `deletes` capability. It reads the columns the transforms hand on, so a column
/// a transform removes cannot be tested: that much `validate` sees without the source's schema.
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
        guard let rule = entry.deleteWhen, let parsed = try? ExpressionParser.parse(rule.expression) else { return }
        let steps = entry.transforms.map(\.step)
        var reported = Set<String>()
        for column in parsed.columns where reported.insert(column).inserted {
            guard let index = TransformKeyCheck.removal(of: column, by: steps) else { continue }
            let step = entry.transforms[index]
            reader.report(path, at: node.location,
                          "delete_when reads \"\(column)\", which \(step.jsonPath).\(step.step.name) removes; delete_when runs after the "
                            + "transforms, on the columns the sink receives, so keep \"\(column)\" (it is stored in the target too) or test the column it became")
        }
    }
}
