/// A plugin's config schema, compiled once and ready to validate configs.
///
/// Supports the draft 2020-12 keywords plugin authors need: `type`, `properties`,
/// `required`, `additionalProperties`, `items`, `enum`, `const`, `minimum`,
/// `maximum`, `exclusiveMinimum`, `exclusiveMaximum`, `minLength`, `maxLength`,
/// `minItems`, `maxItems`, `uniqueItems`, `pattern`, `allOf`, `anyOf`, `oneOf`,
/// `$defs` with local `$ref`, `format: "path"`, and our `x-etl-write-modes` (the write
/// modes an entry option works with). Annotations (`title`,
/// `description`, `default`, `examples`, `$schema`, `$id`, `$comment`, other
/// formats) are accepted and ignored. Any other keyword is refused: silently
/// ignoring, say, `patternProperties` would let through configs the plugin
/// author meant to reject.
package struct JSONSchema: Sendable {
    let root: SchemaNode
    let definitions: [String: SchemaNode]

    /// Compiles schema text; throws for invalid JSON or an unusable schema.
    package init(text: String) throws(JSONSchemaError) {
        let document: JSONDocument
        do {
            document = try JSONParser.parse(text)
        } catch {
            throw JSONSchemaError(pointer: "#", message: "not valid JSON: \(error)")
        }
        if let duplicate = document.duplicateKeys.first {
            throw JSONSchemaError(
                pointer: "#", message: "not valid JSON: \(duplicate.duplicateLocation): \(duplicate.message)")
        }
        try self.init(node: document.root)
    }

    /// Compiles a parsed schema.
    package init(node: JSONNode) throws(JSONSchemaError) {
        var compiler = SchemaCompiler()
        var definitions: [String: SchemaNode] = [:]
        if let defs = node.member("$defs") {
            guard let members = defs.value.members else {
                throw JSONSchemaError(pointer: "#/$defs", message: "\"$defs\" must be an object of schemas")
            }
            for member in members {
                definitions[member.key] = try compiler.compile(member.value, pointer: "#/$defs/\(member.key)")
            }
        }
        let root = try compiler.compile(node, pointer: "#", isRoot: true)
        for (name, pointer) in compiler.references where !name.isEmpty && definitions[name] == nil {
            throw JSONSchemaError(pointer: pointer, message: "\"$ref\" points at #/$defs/\(name), which is not defined")
        }
        self.root = root
        self.definitions = definitions
    }

    /// A schema that accepts everything (for plugins that publish none).
    package static let acceptsAnything = JSONSchema(root: .anything, definitions: [:])

    private init(root: SchemaNode, definitions: [String: SchemaNode]) {
        self.root = root
        self.definitions = definitions
    }

    func resolve(_ reference: String) -> SchemaNode {
        reference.isEmpty ? root : definitions[reference] ?? .anything
    }
}

/// Turns schema JSON into `SchemaNode`s, checking each keyword's shape.
struct SchemaCompiler {
    /// Every `$ref` seen, with where it was, to check the targets exist.
    var references: [(name: String, pointer: String)] = []

    static let annotations: Set<String> = [
        "$schema", "$id", "$comment", "$anchor", "title", "description", "default", "examples", "deprecated",
        "readOnly", "writeOnly", "format",
    ]

    mutating func compile(_ node: JSONNode, pointer: String, isRoot: Bool = false) throws(JSONSchemaError) -> SchemaNode {
        switch node.content {
        case .bool(let value):
            return value ? .anything : .nothing
        case .object(let members):
            return try compileRules(members, pointer: pointer, isRoot: isRoot)
        default:
            throw JSONSchemaError(pointer: pointer, message: "a schema must be an object or a boolean")
        }
    }

    private mutating func compileRules(
        _ members: [JSONNodeMember], pointer: String, isRoot: Bool
    ) throws(JSONSchemaError) -> SchemaNode {
        if members.isEmpty { return .anything }
        var rules = SchemaRules()
        for member in members {
            let here = pointer + "/" + member.key
            let value = member.value
            switch member.key {
            case "type":
                rules.types = try types(value, here)
            case "properties":
                guard let properties = value.members else { throw bad(here, "\"properties\" must be an object") }
                for property in properties {
                    rules.properties.append(SchemaProperty(
                        name: property.key, schema: try compile(property.value, pointer: here + "/" + property.key)))
                }
            case "required":
                rules.required = try strings(value, here, "\"required\" must be an array of strings")
            case "additionalProperties":
                rules.additionalProperties = try compile(value, pointer: here)
            case "items":
                if value.elements != nil {
                    throw bad(here, "\"items\" must be one schema (draft 2020-12); arrays of schemas are not supported")
                }
                rules.items = try compile(value, pointer: here)
            case "enum":
                guard let elements = value.elements, !elements.isEmpty else {
                    throw bad(here, "\"enum\" must be a non-empty array")
                }
                rules.enumValues = elements.map(\.value)
            case "const":
                rules.constValue = value.value
            case "minimum": rules.minimum = try number(value, here)
            case "maximum": rules.maximum = try number(value, here)
            case "exclusiveMinimum": rules.exclusiveMinimum = try number(value, here)
            case "exclusiveMaximum": rules.exclusiveMaximum = try number(value, here)
            case "minLength": rules.minLength = try count(value, here)
            case "maxLength": rules.maxLength = try count(value, here)
            case "minItems": rules.minItems = try count(value, here)
            case "maxItems": rules.maxItems = try count(value, here)
            case "uniqueItems":
                guard case .bool(let unique) = value.content else { throw bad(here, "\"uniqueItems\" must be a boolean") }
                rules.uniqueItems = unique
            case "pattern":
                guard let source = value.stringValue else { throw bad(here, "\"pattern\" must be a string") }
                do {
                    rules.pattern = try SchemaPattern(source: source)
                } catch {
                    throw bad(here, "\"pattern\" is not a valid regular expression: \(DidYouMean.quoted(source))")
                }
            case "allOf": rules.allOf = try branches(value, here, "allOf")
            case "anyOf": rules.anyOf = try branches(value, here, "anyOf")
            case "oneOf": rules.oneOf = try branches(value, here, "oneOf")
            case "$ref":
                rules.reference = try reference(value, here)
            case "$defs":
                // Compiled by JSONSchema.init; a local $ref can only reach the root's.
                if !isRoot { throw bad(here, "\"$defs\" is supported only at the top of the schema") }
            case "x-etl-write-modes":
                let modes = try strings(value, here, "\"x-etl-write-modes\" must be an array of write modes")
                if let unknown = modes.first(where: { WriteMode(rawValue: $0) == nil }) {
                    throw bad(here, "\"x-etl-write-modes\" names \(DidYouMean.quoted(unknown)), which is no write mode; expected some of "
                        + WriteMode.allCases.map { DidYouMean.quoted($0.rawValue) }.joined(separator: ", "))
                }
                rules.writeModes = modes
            case "format":
                guard let format = value.stringValue else { throw bad(here, "\"format\" must be a string") }
                rules.isPath = format == "path"
            default:
                if SchemaCompiler.annotations.contains(member.key) { continue }
                throw bad(here, "unsupported keyword \(DidYouMean.quoted(member.key)); supported: type, properties, "
                    + "required, additionalProperties, items, enum, const, minimum, maximum, exclusiveMinimum, "
                    + "exclusiveMaximum, minLength, maxLength, minItems, maxItems, uniqueItems, pattern, allOf, "
                    + "anyOf, oneOf, $defs, $ref, format, x-etl-write-modes")
            }
        }
        return .rules(rules)
    }

    private func bad(_ pointer: String, _ message: String) -> JSONSchemaError {
        JSONSchemaError(pointer: pointer, message: message)
    }

    private func types(_ node: JSONNode, _ pointer: String) throws(JSONSchemaError) -> [SchemaType] {
        let names: [String]
        if let name = node.stringValue {
            names = [name]
        } else {
            names = try strings(node, pointer, "\"type\" must be a string or an array of strings")
        }
        var result: [SchemaType] = []
        for name in names {
            guard let type = SchemaType(rawValue: name) else {
                let known = SchemaType.allCases.map(\.rawValue)
                let hint = DidYouMean.suggestion(for: name, among: known).map { "; did you mean \(DidYouMean.quoted($0))?" } ?? ""
                throw bad(pointer, "unknown type \(DidYouMean.quoted(name))\(hint)")
            }
            result.append(type)
        }
        if result.isEmpty { throw bad(pointer, "\"type\" must name at least one type") }
        return result
    }

    private func strings(_ node: JSONNode, _ pointer: String, _ message: String) throws(JSONSchemaError) -> [String] {
        guard let elements = node.elements else { throw bad(pointer, message) }
        var result: [String] = []
        for element in elements {
            guard let text = element.stringValue else { throw bad(pointer, message) }
            result.append(text)
        }
        return result
    }

    private func number(_ node: JSONNode, _ pointer: String) throws(JSONSchemaError) -> JSONNumber {
        guard case .number(let number) = node.content else {
            throw bad(pointer, "\(DidYouMean.quoted(lastKey(pointer))) must be a number")
        }
        return number
    }

    private func count(_ node: JSONNode, _ pointer: String) throws(JSONSchemaError) -> Int {
        guard case .number(let number) = node.content, let value = number.int64Value, value >= 0 else {
            throw bad(pointer, "\(DidYouMean.quoted(lastKey(pointer))) must be an integer >= 0")
        }
        return Int(value)
    }

    private mutating func branches(
        _ node: JSONNode, _ pointer: String, _ keyword: String
    ) throws(JSONSchemaError) -> [SchemaNode] {
        guard let elements = node.elements, !elements.isEmpty else {
            throw bad(pointer, "\"\(keyword)\" must be a non-empty array of schemas")
        }
        var result: [SchemaNode] = []
        for (index, element) in elements.enumerated() {
            result.append(try compile(element, pointer: "\(pointer)/\(index)"))
        }
        return result
    }

    private mutating func reference(_ node: JSONNode, _ pointer: String) throws(JSONSchemaError) -> String {
        guard let text = node.stringValue else { throw bad(pointer, "\"$ref\" must be a string") }
        let name: String
        if text == "#" {
            name = ""
        } else if text.hasPrefix("#/$defs/"), text.count > "#/$defs/".count {
            name = String(text.dropFirst("#/$defs/".count))
        } else {
            throw bad(pointer, "only local references of the form \"#/$defs/NAME\" are supported, got \(DidYouMean.quoted(text))")
        }
        references.append((name, pointer))
        return name
    }

    private func lastKey(_ pointer: String) -> String {
        String(pointer.split(separator: "/").last ?? "")
    }
}
