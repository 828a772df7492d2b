import ETLJSON

/// `freshness` and `notify`: decoded here so the entry decoder only has to call in.
extension ManifestDecoder {
    static let freshnessKeys = ["warn_after", "error_after", "newest_file"]
    static let newestFileKeys = ["warn_after", "error_after", "path"]
    /// Manifest-wide the same but `ping` and `ping_env`: a healthcheck watches one job.
    static let entryNotifyKeys = ["on", "webhook", "webhook_env", "command", "ping", "ping_env", "report_url"]

    /// An entry's `freshness` and `notify`.
    func decodeOperations(_ object: ManifestReader.Object, _ path: JSONPath, into draft: inout EntryDraft) {
        if let node = object["freshness"] {
            draft.freshness = freshness(node, path.appending(key: "freshness"))
        }
        if let node = object["notify"] {
            draft.notify = notify(node, path.appending(key: "notify"), allowed: ManifestDecoder.entryNotifyKeys)
        }
    }

    /// The manifest-wide `notify`, once every entry is decoded: then whether its `on` and
    /// `report_url` reach anything is known.
    func decodeOperations(_ top: ManifestReader.Object, into draft: inout ManifestDraft) {
        if let node = top["notify"] {
            let path = top.path.appending(key: "notify")
            // Read with the entry keys, so a manifest-wide ping gets this message, not "unknown key".
            draft.notify = notify(node, path, allowed: ManifestDecoder.entryNotifyKeys)
            for key in ["ping", "ping_env"] {
                guard let member = node.member(key) else { continue }
                reader.report(path.appending(key: key), at: member.keyLocation,
                              "a ping URL watches one job: write it in the notify of each entry it watches (control_table[i].notify.\(key)), not manifest-wide")
            }
            draft.notify?.ping = nil
            if let policy = draft.notify, policy.webhook == nil, policy.command == nil,
                !draft.entries.contains(where: { $0.notify?.webhook != nil || $0.notify?.command != nil }) {
                reportIdle(policy, node, path)
            }
        }
        for entry in draft.entries {
            checkNewestFileSource(entry, draft)
        }
        for entry in draft.entries {
            guard let own = entry.notify, let node = entry.nodes["notify"] else { continue }
            let effective = own.over(draft.notify)
            if effective.webhook == nil, effective.command == nil {
                reportIdle(own, node, entry.path.appending(key: "notify"))
            }
        }
    }

    /// A `newest_file` without its own `path` finds files through the source's `path`: local
    /// files are stat'ed, objects in a store are judged by the times the source's state keeps.
    /// Anything else would leave the check with nothing to judge, every time: refused now.
    private func checkNewestFileSource(_ entry: EntryDraft, _ draft: ManifestDraft) {
        guard let rule = entry.freshness?.newestFile, rule.path == nil,
            let node = entry.nodes["freshness"]?.member("newest_file"), node.value.member("path") == nil
        else { return }
        let path = entry.path.appending(key: "freshness").appending(key: "newest_file")
        if entry.model != nil {
            reader.report(path, at: node.keyLocation, "a SQL model reads no input files: give \"path\" (a local file or glob) in newest_file, or remove newest_file")
            return
        }
        guard let sourceName = entry.source else { return }
        guard let source = draft.sources.first(where: { $0.name == sourceName }) else { return }
        guard let sourcePath = source.configNode.member("path")?.value.stringValue else {
            reader.report(path, at: node.keyLocation,
                          "source \"\(sourceName)\" has no \"path\" in its config to find its files by: give \"path\" (a local file or glob) in newest_file")
            return
        }
        let lower = sourcePath.lowercased()
        if PathResolver.isURL(sourcePath), !lower.hasPrefix("s3://"), !lower.hasPrefix("gs://") {
            reader.report(path, at: node.keyLocation,
                          "source \"\(sourceName)\" reads its files over a URL, whose modification times are not kept: give \"path\" (a local file or glob, e.g. where the files land) in newest_file, or watch the last load with warn_after/error_after")
        }
    }

    /// `on` and `report_url` only shape what webhook and command receive: without either they do nothing.
    private func reportIdle(_ policy: NotifyPolicy, _ node: JSONNode, _ path: JSONPath) {
        for key in ["on", "report_url"] {
            guard let member = node.member(key), key == "on" ? policy.events != nil : policy.reportURL != nil else { continue }
            reader.report(path.appending(key: key), at: member.keyLocation,
                          "\"\(key)\" does nothing without a \"webhook\", \"webhook_env\" or \"command\" to send events to (here or manifest-wide); add one or remove \"\(key)\"")
        }
    }

    private func freshness(_ node: JSONNode, _ path: JSONPath) -> FreshnessPolicy? {
        guard let object = reader.object(node, path, allowed: ManifestDecoder.freshnessKeys) else { return nil }
        let lastLoad = thresholds(object, path, required: false)
        var newestFile: NewestFileRule?
        if let fileNode = object["newest_file"] {
            let filePath = path.appending(key: "newest_file")
            if let fileObject = reader.object(fileNode, filePath, allowed: ManifestDecoder.newestFileKeys),
                let limits = thresholds(fileObject, filePath, required: true) {
                var glob: String?
                if let pathNode = fileObject["path"], let text = reader.string(pathNode, filePath.appending(key: "path")) {
                    if PathResolver.isURL(text) || text.contains("://") {
                        reader.report(filePath.appending(key: "path"), at: pathNode.location,
                                      "expected a local file or glob, got a URL; for files in an object store leave \"path\" out: the source's resume state gives their times")
                    } else {
                        glob = PathResolver.absolute(text, relativeTo: directory)
                    }
                }
                newestFile = NewestFileRule(thresholds: limits, path: glob)
            }
        }
        if node.members?.isEmpty == true {
            reader.report(path, at: node.location,
                          "expected \"warn_after\" and/or \"error_after\" (time since the last successful run), or \"newest_file\", such as {\"warn_after\": \"PT6H\", \"error_after\": \"P1D\"}")
        }
        return FreshnessPolicy(lastLoad: lastLoad, newestFile: newestFile, jsonPath: path.description)
    }

    /// `warn_after` / `error_after` of `object`: nil when neither is written (reported when `required`).
    private func thresholds(_ object: ManifestReader.Object, _ path: JSONPath, required: Bool) -> FreshnessThresholds? {
        func limit(_ key: String) -> ISO8601Duration? {
            guard let node = object[key], let duration = reader.duration(node, path.appending(key: key)) else { return nil }
            guard duration.seconds > 0 else {
                reader.report(path.appending(key: key), at: node.location, "expected a duration of at least one second, such as \"PT6H\" or \"P1D\", got \(reader.describe(node))")
                return nil
            }
            return duration
        }
        let warn = limit("warn_after"), error = limit("error_after")
        guard object["warn_after"] != nil || object["error_after"] != nil else {
            if required {
                reader.report(path, at: object.node.location, "expected \"warn_after\" and/or \"error_after\", such as {\"warn_after\": \"P1D\", \"error_after\": \"P2D\"}")
            }
            return nil
        }
        if let warn, let error, warn.seconds >= error.seconds, let node = object["warn_after"] {
            reader.report(path.appending(key: "warn_after"), at: node.location,
                          "warn_after (\(warn.text)) must be shorter than error_after (\(error.text)): a warning comes before the error")
            return nil
        }
        guard warn != nil || error != nil else { return nil }
        return FreshnessThresholds(warnAfter: warn, errorAfter: error)
    }

    private func notify(_ node: JSONNode, _ path: JSONPath, allowed: [String]) -> NotifyPolicy? {
        guard let object = reader.object(node, path, allowed: allowed) else { return nil }
        var policy = NotifyPolicy()
        if let on = object["on"] {
            policy.events = events(on, path.appending(key: "on"))
        }
        policy.webhook = url(object, path, key: "webhook")
        policy.ping = url(object, path, key: "ping")
        if let commandNode = object["command"] {
            policy.command = reader.strings(commandNode, path.appending(key: "command"), nonEmpty: true, what: "a program and its arguments, such as [\"mail\", \"-s\", \"etl\", \"ops@example.com\"]")
        }
        if let reportNode = object["report_url"], let text = reader.string(reportNode, path.appending(key: "report_url")) {
            policy.reportURL = text
        }
        if object.members.isEmpty, node.members?.isEmpty == true {
            reader.report(path, at: node.location, "expected at least one of \"webhook\", \"webhook_env\", \"command\" or \"ping\"")
        }
        return policy
    }

    /// `<key>` (a literal http(s) URL) or `<key>_env` (the variable holding one), not both.
    private func url(_ object: ManifestReader.Object, _ path: JSONPath, key: String) -> NotifyPolicy.URLSource? {
        let literal = object[key], named = object[key + "_env"]
        if literal != nil, let named {
            reader.report(path.appending(key: key + "_env"), at: named.location, "give \"\(key)\" or \"\(key)_env\", not both")
            return nil
        }
        if let literal, let text = reader.string(literal, path.appending(key: key)) {
            let lower = text.lowercased()
            guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
                reader.report(path.appending(key: key), at: literal.location, "expected an http:// or https:// URL, got \(reader.describe(literal))")
                return nil
            }
            return .literal(text)
        }
        if let named, let name = reader.string(named, path.appending(key: key + "_env")) {
            let valid = name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
                && !("0"..."9").contains(name.unicodeScalars.first!)
            guard valid else {
                reader.report(path.appending(key: key + "_env"), at: named.location, "expected the name of an environment variable (letters, digits and \"_\"), got \(reader.describe(named))")
                return nil
            }
            return .environment(name)
        }
        return nil
    }

    private func events(_ node: JSONNode, _ path: JSONPath) -> Set<NotifyEvent>? {
        guard let elements = node.elements, !elements.isEmpty else {
            reader.report(path, at: node.location, "expected a non-empty array of events among \"failure\", \"recovery\" and \"freshness\", got \(reader.describe(node))")
            return nil
        }
        var events = Set<NotifyEvent>()
        for (index, element) in elements.enumerated() {
            let elementPath = path.appending(index: index)
            guard let event = reader.choice(element, elementPath, NotifyEvent.self) else { continue }
            if !events.insert(event).inserted {
                reader.report(elementPath, at: element.location, "\(reader.describe(element)) is listed twice; list each event once")
            }
        }
        return events
    }
}
