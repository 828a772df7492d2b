/// A parsed JSON value that remembers where each part was written.
///
/// The manifest loader and the schema validator walk nodes rather than plain
/// `JSONValue`s so that every message can name the line of the offending value.
public struct JSONNode: Sendable, Hashable {
    /// What a node holds; containers hold nodes, so positions reach every leaf.
    public enum Content: Sendable, Hashable {
        /// `null`
        case null
        /// `true` or `false`
        case bool(Bool)
        /// A number with its literal text.
        case number(JSONNumber)
        /// A string.
        case string(String)
        /// An array of nodes.
        case array([JSONNode])
        /// Object members in written order, keys unique.
        case object([JSONNodeMember])
    }

    /// Where the value starts in the source text.
    public var location: JSONLocation
    /// The value, with positioned children.
    public var content: Content

    /// Creates a node.
    public init(location: JSONLocation, content: Content) {
        self.location = location
        self.content = content
    }

    /// The value without positions.
    public var value: JSONValue {
        switch content {
        case .null: return .null
        case .bool(let value): return .bool(value)
        case .number(let value): return .number(value)
        case .string(let value): return .string(value)
        case .array(let elements): return .array(elements.map(\.value))
        case .object(let members):
            return .object(JSONObject(members.map { ($0.key, $0.value.value) }))
        }
    }

    /// The string, when this node is a string.
    public var stringValue: String? {
        if case .string(let value) = content { return value }
        return nil
    }

    /// The members, when this node is an object.
    public var members: [JSONNodeMember]? {
        if case .object(let members) = content { return members }
        return nil
    }

    /// The elements, when this node is an array.
    public var elements: [JSONNode]? {
        if case .array(let elements) = content { return elements }
        return nil
    }

    /// The member `key` of an object node.
    public func member(_ key: String) -> JSONNodeMember? {
        members?.first { $0.key == key }
    }
}

/// One `"key": value` member of an object node, with the key's own position
/// (an unknown key is reported on the key's line, not its value's).
public struct JSONNodeMember: Sendable, Hashable {
    /// The key.
    public var key: String
    /// Where the key's opening quote is.
    public var keyLocation: JSONLocation
    /// The value.
    public var value: JSONNode

    /// Creates a member.
    public init(key: String, keyLocation: JSONLocation, value: JSONNode) {
        self.key = key
        self.keyLocation = keyLocation
        self.value = value
    }
}
