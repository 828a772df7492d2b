/// A JSON object whose members keep the order they were written in.
///
/// Order matters to people reading a config back (and to `serialized()` output
/// matching the manifest), but not to equality: two objects with the same
/// members in another order are equal, as JSON says.
public struct JSONObject: Sendable, Hashable, CustomStringConvertible {
    /// One `"key": value` pair.
    public struct Member: Sendable, Hashable {
        /// The member's key.
        public var key: String
        /// The member's value.
        public var value: JSONValue

        /// Creates a member.
        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    /// The members, in order, with unique keys.
    public private(set) var members: [Member]
    private var indexByKey: [String: Int]

    /// Creates an empty object.
    public init() {
        members = []
        indexByKey = [:]
    }

    /// Creates an object from pairs in order; a repeated key keeps its first
    /// position and takes the last value.
    public init(_ pairs: [(String, JSONValue)]) {
        self.init()
        for (key, value) in pairs { self[key] = value }
    }

    /// The keys, in order.
    public var keys: [String] { members.map(\.key) }

    /// The number of members.
    public var count: Int { members.count }

    /// True when the object has no member.
    public var isEmpty: Bool { members.isEmpty }

    /// The value for `key`; setting nil removes the member, setting a new key appends it.
    public subscript(key: String) -> JSONValue? {
        get { indexByKey[key].map { members[$0].value } }
        set {
            if let index = indexByKey[key] {
                if let newValue {
                    members[index].value = newValue
                } else {
                    members.remove(at: index)
                    reindex()
                }
            } else if let newValue {
                indexByKey[key] = members.count
                members.append(Member(key: key, value: newValue))
            }
        }
    }

    private mutating func reindex() {
        indexByKey = [:]
        for (index, member) in members.enumerated() { indexByKey[member.key] = index }
    }

    /// Equal when both hold the same keys with equal values, in any order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.members.count == rhs.members.count else { return false }
        return lhs.members.allSatisfy { rhs[$0.key] == $0.value }
    }

    /// Order-independent hash, consistent with `==`.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(members.count)
        var combined = 0
        for member in members {
            var memberHasher = Hasher()
            memberHasher.combine(member.key)
            memberHasher.combine(member.value)
            combined ^= memberHasher.finalize()
        }
        hasher.combine(combined)
    }

    /// Compact JSON text.
    public var description: String { JSONValue.object(self).serialized() }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    /// A dictionary literal; its order becomes the member order, and a repeated key
    /// keeps its first position and takes the last value, as `init(_:)` does.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }
}
