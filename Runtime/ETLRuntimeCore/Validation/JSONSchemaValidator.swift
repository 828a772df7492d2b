/// Checks a value against a compiled `JSONSchema`, reporting every violation
/// with the full JSON path and the line of the value.
package struct JSONSchemaValidator: Sendable {
    /// The schema to check against.
    package var schema: JSONSchema
    /// Renders values in messages, hiding substituted secrets.
    package var describer: JSONValueDescriber
    /// The folder that relative `"format": "path"` strings resolve against; nil leaves them as written.
    package var pathBase: String?

    /// Beyond this many nested `$ref`s without descending into the value, the schema loops.
    static let maximumReferenceDepth = 64

    /// Creates a validator.
    package init(schema: JSONSchema, describer: JSONValueDescriber = JSONValueDescriber(), pathBase: String? = nil) {
        self.schema = schema
        self.describer = describer
        self.pathBase = pathBase
    }

    /// Validates `node`, which sits at `path` in its document.
    package func validate(_ node: JSONNode, at path: JSONPath = .root) -> SchemaValidationResult {
        let (violations, value) = check(node, schema.root, path, referenceDepth: 0)
        return SchemaValidationResult(violations: violations, value: value)
    }

    private typealias Outcome = (violations: [SchemaViolation], node: JSONNode)

    private func check(_ node: JSONNode, _ schemaNode: SchemaNode, _ path: JSONPath, referenceDepth: Int) -> Outcome {
        switch schemaNode {
        case .anything:
            return ([], node)
        case .nothing:
            return ([SchemaViolation(path: path, location: node.location, message: "no value is allowed here")], node)
        case .rules(let rules):
            return checkRules(node, rules, path, referenceDepth: referenceDepth)
        }
    }

    private func checkRules(_ node: JSONNode, _ rules: SchemaRules, _ path: JSONPath, referenceDepth: Int) -> Outcome {
        var violations: [SchemaViolation] = []
        var result = node
        func fail(_ message: String, at location: JSONLocation? = nil, path violationPath: JSONPath? = nil) {
            violations.append(SchemaViolation(
                path: violationPath ?? path, location: location ?? node.location, message: message))
        }

        if let reference = rules.reference {
            guard referenceDepth < JSONSchemaValidator.maximumReferenceDepth else {
                fail("the plugin's config schema refers to itself endlessly through \"$ref\"")
                return (violations, result)
            }
            let outcome = check(result, schema.resolve(reference), path, referenceDepth: referenceDepth + 1)
            violations += outcome.violations
            result = outcome.node
        }
        if let types = rules.types, !types.contains(where: { $0.matches(node) }) {
            // Further keywords would only repeat the same complaint in other words.
            fail("expected \(SchemaType.phrase(for: types)), got \(describer.describe(node))")
            return (violations, result)
        }
        if let constant = rules.constValue, node.value != constant {
            fail("expected \(constant.serialized()), got \(describer.describe(node))")
        }
        if let choices = rules.enumValues, !choices.contains(node.value) {
            fail(enumMessage(node, choices))
        }

        switch node.content {
        case .number(let number):
            checkNumber(number, rules, fail)
        case .string(let text):
            checkString(node, text, rules, fail)
            if rules.isPath, let pathBase, !text.isEmpty {
                result.content = .string(PathResolver.absolute(text, relativeTo: pathBase))
            }
        case .array(let elements):
            var checked = elements
            if let minItems = rules.minItems, elements.count < minItems {
                fail("expected at least \(plural(minItems, "item")), got \(elements.count)")
            }
            if let maxItems = rules.maxItems, elements.count > maxItems {
                fail("expected at most \(plural(maxItems, "item")), got \(elements.count)")
            }
            if rules.uniqueItems {
                var firstIndex: [JSONValue: Int] = [:]
                for (index, element) in elements.enumerated() {
                    if let first = firstIndex[element.value] {
                        fail("items must be unique; this repeats item \(first)", at: element.location,
                             path: path.appending(index: index))
                    } else {
                        firstIndex[element.value] = index
                    }
                }
            }
            if let items = rules.items {
                for (index, element) in elements.enumerated() {
                    let outcome = check(element, items, path.appending(index: index), referenceDepth: 0)
                    violations += outcome.violations
                    checked[index] = outcome.node
                }
            }
            result.content = .array(checked)
        case .object(let members):
            var checked = members
            let present = Set(members.map(\.key))
            for key in rules.required where !present.contains(key) {
                fail("missing required key \(DidYouMean.quoted(key))")
            }
            let known = rules.properties.map(\.name)
            for (index, member) in members.enumerated() {
                let memberPath = path.appending(key: member.key)
                let memberSchema: SchemaNode
                if let property = rules.property(member.key) {
                    memberSchema = property
                } else if let additional = rules.additionalProperties {
                    if case .nothing = additional {
                        fail(DidYouMean.unknownKeyMessage(member.key, allowed: known), at: member.keyLocation,
                             path: memberPath)
                        continue
                    }
                    memberSchema = additional
                } else {
                    continue
                }
                let outcome = check(member.value, memberSchema, memberPath, referenceDepth: 0)
                violations += outcome.violations
                checked[index].value = outcome.node
            }
            result.content = .object(checked)
        case .null, .bool:
            break
        }

        if let allOf = rules.allOf {
            for branch in allOf {
                let outcome = check(result, branch, path, referenceDepth: referenceDepth)
                violations += outcome.violations
                result = outcome.node
            }
        }
        if let anyOf = rules.anyOf {
            let outcomes = anyOf.map { check(result, $0, path, referenceDepth: referenceDepth) }
            if let passing = outcomes.first(where: { $0.violations.isEmpty }) {
                result = passing.node
            } else {
                violations += closest(outcomes, branches: anyOf, node: result).violations
            }
        }
        if let oneOf = rules.oneOf {
            let outcomes = oneOf.map { check(result, $0, path, referenceDepth: referenceDepth) }
            let passing = outcomes.indices.filter { outcomes[$0].violations.isEmpty }
            if passing.count == 1 {
                result = outcomes[passing[0]].node
            } else if passing.isEmpty {
                violations += closest(outcomes, branches: oneOf, node: result).violations
            } else {
                let numbers = passing.map { String($0 + 1) }
                fail("matches more than one of the allowed forms (oneOf alternatives "
                    + numbers.dropLast().joined(separator: ", ") + " and " + numbers[numbers.count - 1]
                    + "); the plugin's schema is ambiguous for this value")
            }
        }
        return (violations, result)
    }

    /// Picks the alternative the user most likely meant: one whose type fits,
    /// then the fewest violations, then the one that got deepest into the value.
    private func closest(_ outcomes: [Outcome], branches: [SchemaNode], node: JSONNode) -> Outcome {
        var bestIndex = 0
        var bestScore: (Int, Int, Int)?
        for (index, outcome) in outcomes.enumerated() {
            let typeFits = acceptsType(node, branches[index], referenceDepth: 0) ? 0 : 1
            let deepest = outcome.violations.map(\.path.depth).max() ?? 0
            let score = (typeFits, outcome.violations.count, -deepest)
            if bestScore == nil || score < bestScore! {
                bestScore = score
                bestIndex = index
            }
        }
        return outcomes[bestIndex]
    }

    private func acceptsType(_ node: JSONNode, _ schemaNode: SchemaNode, referenceDepth: Int) -> Bool {
        guard case .rules(let rules) = schemaNode else {
            if case .nothing = schemaNode { return false }
            return true
        }
        if let types = rules.types, !types.contains(where: { $0.matches(node) }) { return false }
        if let reference = rules.reference, referenceDepth < JSONSchemaValidator.maximumReferenceDepth {
            return acceptsType(node, schema.resolve(reference), referenceDepth: referenceDepth + 1)
        }
        return true
    }

    private func enumMessage(_ node: JSONNode, _ choices: [JSONValue]) -> String {
        let strings = choices.compactMap(\.stringValue)
        let list: String
        if strings.count == choices.count {
            list = DidYouMean.choiceList(strings)
        } else {
            let texts = choices.map { $0.serialized() }
            list = texts.count > 1 ? texts.dropLast().joined(separator: ", ") + " or " + texts[texts.count - 1] : texts[0]
        }
        var message = "expected \(list), got \(describer.describe(node))"
        if let text = node.stringValue, !describer.isRedacted(node.location),
            let suggestion = DidYouMean.suggestion(for: text, among: strings, allowPrefix: false) {
            message += "; did you mean \(DidYouMean.quoted(suggestion))?"
        }
        return message
    }

    private func checkNumber(_ number: JSONNumber, _ rules: SchemaRules, _ fail: (String, JSONLocation?, JSONPath?) -> Void) {
        let noun = rules.types == [.integer] ? "an integer" : "a number"
        if let minimum = rules.minimum, compare(number, minimum) < 0 {
            fail("expected \(noun) >= \(minimum.text), got \(number.text)", nil, nil)
        }
        if let maximum = rules.maximum, compare(number, maximum) > 0 {
            fail("expected \(noun) <= \(maximum.text), got \(number.text)", nil, nil)
        }
        if let bound = rules.exclusiveMinimum, compare(number, bound) <= 0 {
            fail("expected \(noun) > \(bound.text), got \(number.text)", nil, nil)
        }
        if let bound = rules.exclusiveMaximum, compare(number, bound) >= 0 {
            fail("expected \(noun) < \(bound.text), got \(number.text)", nil, nil)
        }
    }

    private func checkString(
        _ node: JSONNode, _ text: String, _ rules: SchemaRules, _ fail: (String, JSONLocation?, JSONPath?) -> Void
    ) {
        // JSON Schema counts characters as Unicode code points.
        let length = text.unicodeScalars.count
        if let minLength = rules.minLength, length < minLength {
            fail("expected a string of at least \(plural(minLength, "character")), got \(describer.describe(node))", nil, nil)
        }
        if let maxLength = rules.maxLength, length > maxLength {
            fail("expected a string of at most \(plural(maxLength, "character")), got \(describer.describe(node))", nil, nil)
        }
        if let pattern = rules.pattern, !pattern.matches(text) {
            fail("expected a string matching the pattern \(pattern.source), got \(describer.describe(node))", nil, nil)
        }
    }

    /// -1, 0 or 1; exact for integers that fit in 64 bits, by double otherwise.
    private func compare(_ left: JSONNumber, _ right: JSONNumber) -> Int {
        if let a = left.int64Value, let b = right.int64Value { return a < b ? -1 : (a > b ? 1 : 0) }
        let a = left.doubleValue
        let b = right.doubleValue
        return a < b ? -1 : (a > b ? 1 : 0)
    }

    private func plural(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }
}
