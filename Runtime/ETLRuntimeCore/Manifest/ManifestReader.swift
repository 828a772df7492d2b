/// Reads typed values out of manifest nodes, recording every mistake as a
/// `ManifestIssue` and carrying on, so one pass reports them all.
///
/// Every value shown in a message goes through the describer, which hides
/// substituted secrets; nothing here interpolates a raw string value.
final class ManifestReader {
    let file: String
    let describer: JSONValueDescriber
    /// Strings whose `${VAR}` could not be resolved; that is already reported,
    /// so complaints about the resulting empty value would only be noise.
    let unresolved: Set<JSONLocation>
    /// Safe plain-text renderings of substituted strings, for values kept for display.
    let displayTexts: [JSONLocation: String]
    /// Issues with the position they concern, so they can be listed in file order.
    private(set) var located: [(issue: ManifestIssue, location: JSONLocation?)] = []

    init(file: String, describer: JSONValueDescriber, displayTexts: [JSONLocation: String], unresolved: Set<JSONLocation>) {
        self.file = file
        self.describer = describer
        self.displayTexts = displayTexts
        self.unresolved = unresolved
    }

    /// Records an issue about the value at `location`.
    func report(_ path: JSONPath, at location: JSONLocation?, _ message: String) {
        if let location, unresolved.contains(location) { return }
        located.append((ManifestIssue(file: file, line: location?.line, jsonPath: path.description, message: message), location))
    }

    /// Records an issue that is already formed (from the parser or `.env`).
    func append(_ issue: ManifestIssue) {
        located.append((issue, issue.line.map { JSONLocation(line: $0, column: issue.column ?? 0) }))
    }

    func describe(_ node: JSONNode) -> String {
        describer.describe(node)
    }

    /// An object node's members by key, after checking the type, unknown keys and required keys.
    struct Object {
        let node: JSONNode
        let path: JSONPath
        let members: [JSONNodeMember]

        subscript(key: String) -> JSONNode? {
            members.first { $0.key == key }?.value
        }
    }

    func object(_ node: JSONNode, _ path: JSONPath, allowed: [String], required: [String] = []) -> Object? {
        guard let members = node.members else {
            report(path, at: node.location, "expected an object, got \(describe(node))")
            return nil
        }
        var known: [JSONNodeMember] = []
        for member in members {
            if allowed.contains(member.key) {
                known.append(member)
            } else {
                report(path.appending(key: member.key), at: member.keyLocation,
                       DidYouMean.unknownKeyMessage(member.key, allowed: allowed))
            }
        }
        for key in required where !members.contains(where: { $0.key == key }) {
            report(path, at: node.location, "missing required key \(DidYouMean.quoted(key))")
        }
        return Object(node: node, path: path, members: known)
    }

    func string(_ node: JSONNode, _ path: JSONPath, allowEmpty: Bool = false) -> String? {
        guard let text = node.stringValue, allowEmpty || !text.isEmpty else {
            report(path, at: node.location, "expected \(allowEmpty ? "a string" : "a non-empty string"), got \(describe(node))")
            return nil
        }
        return text
    }

    /// A string meant for display (descriptions): substitutions shown as placeholders.
    func displayString(_ node: JSONNode, _ path: JSONPath) -> String? {
        guard let text = string(node, path, allowEmpty: true) else { return nil }
        return displayTexts[node.location] ?? text
    }

    func bool(_ node: JSONNode, _ path: JSONPath) -> Bool? {
        guard case .bool(let value) = node.content else {
            report(path, at: node.location, "expected true or false, got \(describe(node))")
            return nil
        }
        return value
    }

    /// An integer of at least `minimum`; the message says `an integer > 0` or `an integer >= 0`.
    func integer(_ node: JSONNode, _ path: JSONPath, minimum: Int) -> Int? {
        let expectation = minimum == 1 ? "an integer > 0" : "an integer >= \(minimum)"
        guard case .number(let number) = node.content, let value = number.int64Value, value >= Int64(minimum),
            let result = Int(exactly: value)
        else {
            report(path, at: node.location, "expected \(expectation), got \(describe(node))")
            return nil
        }
        return result
    }

    /// An array of strings (non-empty unless `allowEmptyStrings`); each bad element is reported at its own path.
    func strings(
        _ node: JSONNode, _ path: JSONPath, nonEmpty: Bool, what: String = "strings", allowEmptyStrings: Bool = false
    ) -> [String]? {
        guard let elements = node.elements, !(nonEmpty && elements.isEmpty) else {
            let expectation = nonEmpty ? "a non-empty array of \(what)" : "an array of \(what)"
            report(path, at: node.location, "expected \(expectation), got \(describe(node))")
            return nil
        }
        var result: [String] = []
        var failed = false
        for (index, element) in elements.enumerated() {
            if let text = string(element, path.appending(index: index), allowEmpty: allowEmptyStrings) {
                result.append(text)
            } else {
                failed = true
            }
        }
        return failed ? nil : result
    }

    /// One of an enum's raw values: `expected "full" or "incremental", got "incr"`.
    func choice<Choice: RawRepresentable & CaseIterable>(
        _ node: JSONNode, _ path: JSONPath, _ type: Choice.Type
    ) -> Choice? where Choice.RawValue == String {
        let names = Choice.allCases.map(\.rawValue)
        if let text = node.stringValue, let value = Choice(rawValue: text) { return value }
        var message = "expected \(DidYouMean.choiceList(names)), got \(describe(node))"
        if let text = node.stringValue, !describer.isRedacted(node.location),
            let suggestion = DidYouMean.suggestion(for: text, among: names, allowPrefix: false) {
            message += "; did you mean \(DidYouMean.quoted(suggestion))?"
        }
        report(path, at: node.location, message)
        return nil
    }

    func duration(_ node: JSONNode, _ path: JSONPath) -> ISO8601Duration? {
        guard let text = node.stringValue else {
            report(path, at: node.location, "expected \(ISO8601Duration.examples), got \(describe(node))")
            return nil
        }
        do {
            return try ISO8601Duration(parsing: text)
        } catch {
            let detail: String
            switch error {
            case .malformed: detail = "expected \(ISO8601Duration.examples), got \(describe(node))"
            case .calendarUnit, .tooLarge: detail = "\(error), got \(describe(node))"
            }
            report(path, at: node.location, detail)
            return nil
        }
    }
}
