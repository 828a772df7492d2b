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
    /// Key → position, kept only for objects above `linearLimit` members: a record from an
    /// API page has a handful of keys, and comparing a few short strings costs far less
    /// than hashing each key into a dictionary built for every record.
    private var indexByKey: [String: Int]?

    /// Up to this many members, lookups scan `members` instead of keeping an index.
    static let linearLimit = 12

    /// Creates an empty object.
    public init() {
        members = []
        indexByKey = nil
    }

    /// Creates an object from pairs in order; a repeated key keeps its first
    /// position and takes the last value.
    public init(_ pairs: [(String, JSONValue)]) {
        self.init()
        for (key, value) in pairs { self[key] = value }
    }

    /// Wraps members straight from a parser; nil when a key repeats.
    init?(membersRefusingDuplicates members: [Member]) {
        self.members = members
        if members.count <= Self.linearLimit {
            indexByKey = nil
            for later in 1..<max(1, members.count) {
                let key = members[later].key
                for earlier in 0..<later where members[earlier].key == key { return nil }
            }
        } else {
            var index: [String: Int] = [:]
            index.reserveCapacity(members.count)
            for (position, member) in members.enumerated() {
                guard index.updateValue(position, forKey: member.key) == nil else { return nil }
            }
            indexByKey = index
        }
    }

    /// The keys, in order.
    public var keys: [String] { members.map(\.key) }

    /// The number of members.
    public var count: Int { members.count }

    /// True when the object has no member.
    public var isEmpty: Bool { members.isEmpty }

    private func position(of key: String) -> Int? {
        if let indexByKey { return indexByKey[key] }
        return members.firstIndex { $0.key == key }
    }

    /// The value for `key`; setting nil removes the member, setting a new key appends it.
    public subscript(key: String) -> JSONValue? {
        get { position(of: key).map { members[$0].value } }
        set {
            if let index = position(of: key) {
                if let newValue {
                    members[index].value = newValue
                } else {
                    members.remove(at: index)
                    reindex()
                }
            } else if let newValue {
                members.append(Member(key: key, value: newValue))
                if indexByKey != nil {
                    indexByKey?[key] = members.count - 1
                } else if members.count > Self.linearLimit {
                    reindex()
                }
            }
        }
    }

    private mutating func reindex() {
        guard members.count > Self.linearLimit else {
            indexByKey = nil
            return
        }
        var index: [String: Int] = [:]
        index.reserveCapacity(members.count)
        for (position, member) in members.enumerated() { index[member.key] = position }
        indexByKey = index
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
