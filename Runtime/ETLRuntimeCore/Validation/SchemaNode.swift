/// One compiled (sub)schema.
indirect enum SchemaNode: Sendable {
    /// `true` or `{}`: every value is valid.
    case anything
    /// `false`: no value is valid.
    case nothing
    /// An object schema with its keywords.
    case rules(SchemaRules)
}

/// A named subschema under `properties`, kept in schema order for messages.
struct SchemaProperty: Sendable {
    let name: String
    let schema: SchemaNode
}

/// The supported keywords of one schema object; nil means "keyword absent".
struct SchemaRules: Sendable {
    var types: [SchemaType]?
    var properties: [SchemaProperty] = []
    var required: [String] = []
    var additionalProperties: SchemaNode?
    var items: SchemaNode?
    var enumValues: [JSONValue]?
    /// `.some(.null)` is `"const": null`; nil is no `const` at all.
    var constValue: JSONValue?
    var minimum: JSONNumber?
    var maximum: JSONNumber?
    var exclusiveMinimum: JSONNumber?
    var exclusiveMaximum: JSONNumber?
    var minLength: Int?
    var maxLength: Int?
    var minItems: Int?
    var maxItems: Int?
    var uniqueItems = false
    var pattern: SchemaPattern?
    var allOf: [SchemaNode]?
    var anyOf: [SchemaNode]?
    var oneOf: [SchemaNode]?
    /// The `$defs` name a local `$ref` points at; "" is the root (`"#"`).
    var reference: String?
    /// `"format": "path"`: a relative path string is resolved against the manifest's folder.
    var isPath = false
    /// `"x-etl-write-modes": ["append"]` on an entry option: the write modes the option works
    /// with. The validator ignores it (a value has no write mode); `EntryOptionsCheck` refuses
    /// the option on an entry with another write mode, so `validate` finds what the sink's
    /// `begin` would refuse.
    var writeModes: [String]?

    func property(_ name: String) -> SchemaNode? {
        properties.first { $0.name == name }?.schema
    }
}
