/// Checks that need more than one value: entries naming sources and sinks that
/// exist, write modes that fit the load mode and the key, unique ids, and
/// (when plugins are known) capabilities.
struct ManifestCrossChecks {
    let reader: ManifestReader
    let draft: ManifestDraft

    func run() {
        var firstEntryWithID: [String: EntryDraft] = [:]
        for entry in draft.entries {
            if let id = entry.id, let idNode = entry.nodes["id"] {
                if let first = firstEntryWithID[id] {
                    reader.report(entry.path.appending(key: "id"), at: idNode.location,
                                  "duplicate id \(reader.describe(idNode)); \(first.path) (line \(first.node.location.line)) "
                                    + "already uses it")
                } else {
                    firstEntryWithID[id] = entry
                }
            }
            // A model entry has no source (a "source" key on it is reported where it is read).
            let source = entry.model == nil ? endpoint(entry, key: "source", kind: .source) : nil
            let sink = endpoint(entry, key: "sink", kind: .sink)
            checkModes(entry)
            checkTransformKeys(entry)
            SCD2OptionsCheck(reader: reader).check(entry)
            DeleteRuleCheck(reader: reader).check(entry, sink: sink)
            if entry.model != nil, let sink { checkModelSink(entry, sink: sink) }
            checkCapabilities(entry, source: source, sink: sink)
            if let source { SourcePositionCheck(reader: reader).check(entry, source: source) }
        }
    }

    /// The endpoint an entry names, or nil after reporting why it cannot be found.
    private func endpoint(_ entry: EntryDraft, key: String, kind: PluginKind) -> EndpointDraft? {
        guard let name = kind == .source ? entry.source : entry.sink, let node = entry.nodes[key] else { return nil }
        let declared = draft.endpoints(kind)
        if let found = declared.first(where: { $0.name == name }) { return found }
        let otherKind: PluginKind = kind == .source ? .sink : .source
        let names = declared.map(\.name)
        var message: String
        if draft.endpoints(otherKind).contains(where: { $0.name == name }) {
            message = "\(reader.describe(node)) is a \(otherKind.rawValue), not a \(kind.rawValue)"
        } else {
            message = "no \(kind.rawValue) named \(reader.describe(node))"
            if !reader.describer.isRedacted(node.location), let suggestion = DidYouMean.suggestion(for: name, among: names) {
                message += "; did you mean \(DidYouMean.quoted(suggestion))?"
            }
        }
        if names.isEmpty {
            message += "; the manifest declares no \(kind.rawValue)s"
        } else {
            message += " (\(kind.rawValue)s: \(names.map(DidYouMean.quoted).joined(separator: ", ")))"
        }
        reader.report(entry.path.appending(key: key), at: node.location, message)
        return nil
    }

    private func checkModes(_ entry: EntryDraft) {
        if let write = entry.write, write == .merge || write == .scd2, entry.primaryKey.isEmpty,
            entry.nodes["primary_key"] == nil, let writeNode = entry.nodes["write"] {
            reader.report(entry.path.appending(key: "write"), at: writeNode.location,
                          "write \"\(write.rawValue)\" needs \"primary_key\", the columns that identify a row, "
                            + "e.g. \"primary_key\": [\"id\"]")
        }
        guard entry.mode == .incremental, let modeNode = entry.nodes["mode"] else { return }
        if entry.nodes["cursor_field"] == nil {
            reader.report(entry.path.appending(key: "mode"), at: modeNode.location,
                          "mode \"incremental\" needs \"cursor_field\", the column (or source position such as "
                            + "\"$offset\") to resume from; add it or use mode \"full\"")
        }
        if entry.write == .replace, let writeNode = entry.nodes["write"] {
            reader.report(entry.path.appending(key: "write"), at: writeNode.location,
                          "write \"replace\" cannot be used with mode \"incremental\": each run would drop what earlier "
                            + "runs loaded; use \"append\", \"merge\" or \"scd2\"")
        }
    }

    /// Transforms must not remove the key or cursor columns the load relies on (TransformKeyCheck).
    private func checkTransformKeys(_ entry: EntryDraft) {
        guard !entry.transforms.isEmpty else { return }
        let cursor = entry.mode == .incremental ? entry.cursorField : nil
        for problem in TransformKeyCheck.problems(entry.transforms.map(\.step), primaryKey: entry.primaryKey, cursorField: cursor) {
            let place = entry.place(of: entry.transforms[problem.stepIndex])
            reader.report(place.path, at: place.location, problem.message)
        }
    }

    /// A model entry runs inside its sink: the sink's plugin must offer `run_model`.
    private func checkModelSink(_ entry: EntryDraft, sink: EndpointDraft) {
        guard let contract = sink.contract, !contract.capabilities.contains("models"),
              let node = entry.nodes["sql"] ?? entry.nodes["sql_file"] else { return }
        reader.report(entry.path.appending(key: entry.nodes["sql"] != nil ? "sql" : "sql_file"), at: node.location,
                      "sink \(DidYouMean.quoted(sink.name)) (plugin \(DidYouMean.quoted(contract.name))) cannot run SQL models "
                        + "(no \"models\" capability); point the entry at a sink that can, such as a \"sqlite\" sink")
    }

    private func checkCapabilities(_ entry: EntryDraft, source: EndpointDraft?, sink: EndpointDraft?) {
        if entry.mode == .incremental, let source, let contract = source.contract,
            !contract.capabilities.contains("incremental"), let modeNode = entry.nodes["mode"] {
            reader.report(entry.path.appending(key: "mode"), at: modeNode.location,
                          "source \(DidYouMean.quoted(source.name)) (plugin \(DidYouMean.quoted(contract.name))) cannot "
                            + "load incrementally (no \"incremental\" capability); use mode \"full\"")
        }
        guard let sink, let contract = sink.contract else { return }
        let sinkName = "sink \(DidYouMean.quoted(sink.name)) (plugin \(DidYouMean.quoted(contract.name)))"
        if let write = entry.effectiveWrite, !contract.capabilities.contains(write.requiredCapability),
            let node = entry.nodes["write"] ?? entry.nodes["mode"] {
            let supported = WriteMode.allCases.filter { contract.capabilities.contains($0.requiredCapability) }
            let defaulted = entry.write == nil ? " (the default for mode \"\(entry.mode?.rawValue ?? "")\")" : ""
            let alternatives = supported.isEmpty
                ? "it supports no write mode"
                : "it supports \(DidYouMean.choiceList(supported.map(\.rawValue)))"
            reader.report(entry.path.appending(key: "write"), at: node.location,
                          "\(sinkName) does not support write \"\(write.rawValue)\"\(defaulted); \(alternatives)")
        }
        if !entry.postSQL.isEmpty, !contract.capabilities.contains("sql"), let node = entry.nodes["post_sql"] {
            reader.report(entry.path.appending(key: "post_sql"), at: node.location,
                          "\(sinkName) cannot run SQL (no \"sql\" capability); remove post_sql or use a SQL sink")
        }
    }
}
