extension ManifestDecoder {
    static let entryKeys = [
        "id", "active", "description", "source", "stream", "sink", "target", "mode", "write", "primary_key",
        "cursor_field", "initial_value", "lookback", "safety_lag", "batch_size", "max_batch_bytes",
        "max_records_per_run", "max_rejects", "null_cursor", "post_sql", "transforms", "timeout", "stop_timeout",
        "options", "depends_on", "valid_from_column", "close_missing", "delete_when", "sql", "sql_file", "materialize",
        "retry", "freshness", "notify",
    ]
    static let requiredEntryKeys = ["id", "source", "stream", "sink", "target", "mode"]
    /// A SQL model entry has no source, stream or mode (see ManifestDecoder+Models).
    static let requiredModelKeys = ["id", "sink", "target"]

    func entries(_ node: JSONNode, _ path: JSONPath) -> [EntryDraft] {
        guard let elements = node.elements else {
            reader.report(path, at: node.location, "expected an array of entries, got \(reader.describe(node))")
            return []
        }
        return elements.enumerated().compactMap { index, element in
            entry(element, path.appending(index: index))
        }
    }

    private func entry(_ node: JSONNode, _ path: JSONPath) -> EntryDraft? {
        let isModel = node.members?.contains { $0.key == "sql" || $0.key == "sql_file" } ?? false
        guard let object = reader.object(
            node, path, allowed: ManifestDecoder.entryKeys,
            required: isModel ? ManifestDecoder.requiredModelKeys : ManifestDecoder.requiredEntryKeys)
        else { return nil }
        var draft = EntryDraft(path: path, node: node)
        for member in object.members { draft.nodes[member.key] = member.value }
        func field(_ key: String, _ read: (JSONNode, JSONPath) -> Void) {
            if let value = object[key] { read(value, path.appending(key: key)) }
        }

        field("id") { node, path in
            guard let id = reader.string(node, path) else { return }
            if ManifestDecoder.isEntryID(id) {
                draft.id = id
            } else {
                reader.report(path, at: node.location,
                              "expected an id of letters, digits, \"_\", \".\" and \"-\", got \(reader.describe(node))")
            }
        }
        field("active") { node, path in draft.active = reader.bool(node, path) ?? true }
        field("description") { node, path in draft.description = reader.displayString(node, path) }
        field("source") { node, path in draft.source = identifier(node, path) }
        field("stream") { node, path in draft.stream = identifier(node, path) }
        field("sink") { node, path in draft.sink = identifier(node, path) }
        field("target") { node, path in draft.target = identifier(node, path) }
        field("mode") { node, path in draft.mode = reader.choice(node, path, LoadMode.self) }
        field("write") { node, path in draft.write = reader.choice(node, path, WriteMode.self) }
        field("primary_key") { node, path in
            draft.primaryKey = identifiers(node, path, what: "column names") ?? []
        }
        field("cursor_field") { node, path in draft.cursorField = identifier(node, path) }
        field("initial_value") { node, path in
            if node.value.isScalar {
                draft.initialValue = node.value.isNull ? nil : node.value
            } else {
                reader.report(path, at: node.location, "expected a string, number or boolean, got \(reader.describe(node))")
            }
        }
        field("lookback") { node, path in draft.lookback = reader.duration(node, path) }
        field("safety_lag") { node, path in draft.safetyLag = reader.duration(node, path) }
        field("batch_size") { node, path in
            draft.batchSize = reader.integer(node, path, minimum: 1) ?? ControlEntry.defaultBatchSize
        }
        field("max_batch_bytes") { node, path in
            draft.maxBatchBytes = reader.integer(node, path, minimum: 1) ?? ControlEntry.defaultMaxBatchBytes
        }
        field("max_records_per_run") { node, path in draft.maxRecordsPerRun = reader.integer(node, path, minimum: 1) }
        field("max_rejects") { node, path in
            draft.maxRejects = reader.integer(node, path, minimum: 0) ?? ControlEntry.defaultMaxRejects
        }
        field("null_cursor") { node, path in
            draft.nullCursor = reader.choice(node, path, NullCursorPolicy.self) ?? .fail
        }
        field("post_sql") { node, path in
            if let statement = node.stringValue {
                draft.postSQL = [statement]
            } else if node.elements != nil {
                draft.postSQL = reader.strings(node, path, nonEmpty: false, what: "SQL statements") ?? []
            } else {
                reader.report(path, at: node.location,
                              "expected an SQL statement or an array of them, got \(reader.describe(node))")
            }
        }
        field("transforms") { node, path in draft.transforms = transforms(node, path) }
        field("options") { node, path in
            // Any JSON inside: what is allowed is the plugins' to say (EntryOptionsCheck).
            if node.members != nil {
                draft.options = node
            } else {
                reader.report(path, at: node.location,
                              "expected an object of the options the entry's plugins honour, such as {\"list_id\": 901}, got \(reader.describe(node))")
            }
        }
        field("depends_on") { node, path in draft.dependsOn = dependsOn(node, path) }
        field("valid_from_column") { node, path in draft.validFromColumn = identifier(node, path) }
        field("close_missing") { node, path in draft.closeMissing = reader.bool(node, path) ?? false }
        field("delete_when") { node, path in
            guard let text = reader.string(node, path), checkExpression(text, path, at: node.location) else { return }
            draft.deleteWhen = DeleteRule(expression: text, jsonPath: path.description, line: node.location.line)
        }
        field("timeout") { node, path in draft.timeout = positiveDuration(node, path) }
        field("stop_timeout") { node, path in
            draft.stopTimeout = positiveDuration(node, path) ?? ControlEntry.defaultStopTimeout
        }
        field("retry") { node, path in draft.retry = retry(node, path) }
        decodeOperations(object, path, into: &draft)
        if isModel {
            model(object, path, into: &draft)
        } else if let node = object["materialize"] {
            reader.report(path.appending(key: "materialize"), at: node.location,
                          "\"materialize\" belongs to SQL model entries (with \"sql\" or \"sql_file\"); an entry with a source writes as \"write\" says. Remove it")
        }
        return draft
    }

    /// `depends_on`: entry ids, each once. Whether they name entries, and form no cycle, is for
    /// the cross checks (`ManifestDependencyChecks`), once every id is known.
    private func dependsOn(_ node: JSONNode, _ path: JSONPath) -> [String] {
        guard let elements = node.elements else {
            reader.report(path, at: node.location, "expected an array of entry ids, such as [\"stage_tasks\"], got \(reader.describe(node))")
            return []
        }
        var kept: [String] = []
        for (index, element) in elements.enumerated() {
            let elementPath = path.appending(index: index)
            guard let id = reader.string(element, elementPath) else { continue }
            if !ManifestDecoder.isEntryID(id) {
                reader.report(elementPath, at: element.location,
                              "expected the id of another entry (letters, digits, \"_\", \".\" and \"-\"), got \(reader.describe(element))")
            } else if kept.contains(id) {
                reader.report(elementPath, at: element.location, "\(reader.describe(element)) is listed twice; list each upstream entry once")
            } else {
                kept.append(id)
            }
        }
        return kept
    }

    /// A limit on time: a duration of at least one second (`PT0S` would stop or kill at once).
    private func positiveDuration(_ node: JSONNode, _ path: JSONPath) -> ISO8601Duration? {
        guard let duration = reader.duration(node, path) else { return nil }
        guard duration.seconds > 0 else {
            reader.report(path, at: node.location, "expected a duration of at least one second, such as \"PT30S\" or \"PT10M\", got \(reader.describe(node))")
            return nil
        }
        return duration
    }

    /// `[A-Za-z0-9_.-]+`: safe in file names, SQL literals and log lines.
    static func isEntryID(_ id: String) -> Bool {
        !id.isEmpty && id.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_.-".unicodeScalars.contains($0))
        }
    }
}
