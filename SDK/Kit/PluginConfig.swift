import ETLJSON

/// Typed, path-aware access to a plugin's JSON config object (or to an entry's options).
///
/// Every accessor throws `ETL_INVALID_CONFIG` with the JSON path and what to change, e.g.
/// `config.directory must be a string (found a number)`. A key whose value is `null` counts as
/// absent, so `{"fsync": null}` falls back to the default like a missing key does.
///
/// The host has already validated the config against the descriptor's JSON Schema; these checks
/// are the plugin's own second line, and what makes a plugin safe to drive from tests or hosts
/// that skip validation.
public struct PluginConfig: Sendable, Hashable {
    /// The object's members, in the order they were written.
    public let members: JSONObject
    /// Where this object sits, for messages: "config", "config.auth", "options".
    public let path: String

    /// Parses JSON text that must be an object.
    /// - Parameters:
    ///   - text: the JSON text (NUL-free UTF-8).
    ///   - path: the name used in messages, "config" by default.
    /// - Throws: `ETL_INVALID_CONFIG` when the text is not strict JSON (RFC 8259; a duplicate key
    ///   counts as an error, since readers disagree on which value wins) or not an object.
    public init(parsing text: String, path: String = "config") throws(PluginError) {
        let value: JSONValue
        do throws(JSONSyntaxError) {
            value = try JSONValue(parsing: text)
        } catch {
            throw .invalidConfig("\(path) is not valid JSON: \(error.positionedMessage)")
        }
        guard case .object(let members) = value else {
            throw .invalidConfig("\(path) must be a JSON object (found \(value.kindDescription))")
        }
        self.init(members: members, path: path)
    }

    /// Wraps an already parsed object.
    public init(members: JSONObject, path: String = "config") {
        self.members = members
        self.path = path
    }

    /// The keys present, sorted.
    public var keys: [String] { members.keys.sorted() }

    /// The raw value at `key`, or nil when absent or `null`.
    public func value(_ key: String) -> JSONValue? {
        guard let value = members[key], value != .null else { return nil }
        return value
    }

    /// True when `key` holds a non-null value.
    public func contains(_ key: String) -> Bool { value(key) != nil }

    /// A required string.
    public func string(_ key: String) throws(PluginError) -> String {
        guard let text = try optionalString(key) else { throw missing(key, example: "\"...\"") }
        return text
    }

    /// An optional string, nil when absent.
    public func optionalString(_ key: String) throws(PluginError) -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let text) = value else { throw wrongType(key, expected: "a string", found: value) }
        return text
    }

    /// A string with a default.
    public func string(_ key: String, default defaultValue: String) throws(PluginError) -> String {
        try optionalString(key) ?? defaultValue
    }

    /// A required boolean.
    public func bool(_ key: String) throws(PluginError) -> Bool {
        guard let flag = try optionalBool(key) else { throw missing(key, example: "true") }
        return flag
    }

    /// An optional boolean, nil when absent.
    public func optionalBool(_ key: String) throws(PluginError) -> Bool? {
        guard let value = value(key) else { return nil }
        guard case .bool(let flag) = value else { throw wrongType(key, expected: "true or false", found: value) }
        return flag
    }

    /// A boolean with a default.
    public func bool(_ key: String, default defaultValue: Bool) throws(PluginError) -> Bool {
        try optionalBool(key) ?? defaultValue
    }

    /// A required integer (a whole JSON number that fits in 64 bits, read exactly).
    public func int(_ key: String) throws(PluginError) -> Int64 {
        guard let number = try optionalInt(key) else { throw missing(key, example: "1") }
        return number
    }

    /// An optional integer, nil when absent. `2.0` is accepted as 2; `2.5` is refused, and so is
    /// a whole number outside `Int64` (rather than rounded or wrapped).
    public func optionalInt(_ key: String) throws(PluginError) -> Int64? {
        guard let value = value(key) else { return nil }
        guard case .number(let number) = value, number.isIntegral else {
            throw wrongType(key, expected: "an integer", found: value)
        }
        guard let integer = number.int64Value else {
            guard number.isIntegerLiteral else {
                // Above 2^53 a double no longer says which integer `1e18`-style text meant.
                throw .invalidConfig("\(path).\(key) must be written as plain digits, without a fraction or exponent (found \(number.text))")
            }
            throw .invalidConfig("\(path).\(key) must be an integer from \(Int64.min) to \(Int64.max) (found \(number.text))")
        }
        return integer
    }

    /// An integer with a default.
    public func int(_ key: String, default defaultValue: Int64) throws(PluginError) -> Int64 {
        try optionalInt(key) ?? defaultValue
    }

    /// A required number.
    public func double(_ key: String) throws(PluginError) -> Double {
        guard let number = try optionalDouble(key) else { throw missing(key, example: "1.5") }
        return number
    }

    /// An optional number, nil when absent; one too large for a `Double` is refused, not made infinite.
    public func optionalDouble(_ key: String) throws(PluginError) -> Double? {
        guard let value = value(key) else { return nil }
        guard case .number(let number) = value else { throw wrongType(key, expected: "a number", found: value) }
        guard number.doubleValue.isFinite else {
            throw .invalidConfig("\(path).\(key) must be a number within the range of a double (found \(number.text))")
        }
        return number.doubleValue
    }

    /// A number with a default.
    public func double(_ key: String, default defaultValue: Double) throws(PluginError) -> Double {
        try optionalDouble(key) ?? defaultValue
    }

    /// An optional array of strings, nil when absent.
    public func optionalStringArray(_ key: String) throws(PluginError) -> [String]? {
        guard let value = value(key) else { return nil }
        guard case .array(let items) = value else { throw wrongType(key, expected: "an array of strings", found: value) }
        var strings: [String] = []
        for (index, item) in items.enumerated() {
            guard case .string(let text) = item else {
                throw .invalidConfig("\(path).\(key)[\(index)] must be a string (found \(item.kindDescription))")
            }
            strings.append(text)
        }
        return strings
    }

    /// A nested object as its own `PluginConfig` (its path is `path.key`), nil when absent.
    public func optionalObject(_ key: String) throws(PluginError) -> PluginConfig? {
        guard let value = value(key) else { return nil }
        guard case .object(let members) = value else { throw wrongType(key, expected: "an object", found: value) }
        return PluginConfig(members: members, path: "\(path).\(key)")
    }

    /// A required nested object.
    public func object(_ key: String) throws(PluginError) -> PluginConfig {
        guard let object = try optionalObject(key) else { throw missing(key, example: "{...}") }
        return object
    }

    /// Refuses keys outside `allowed` (a typo such as "fsnyc" would otherwise be ignored silently).
    public func rejectUnknownKeys(allowed: Set<String>) throws(PluginError) {
        let unknown = members.keys.filter { !allowed.contains($0) }.sorted()
        guard let first = unknown.first else { return }
        let known = allowed.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
        throw .invalidConfig("\(path) has unknown key \"\(first)\"; the keys allowed are \(known)")
    }

    private func missing(_ key: String, example: String) -> PluginError {
        .invalidConfig("\(path).\(key) is required: add \"\(key)\": \(example) to the \(path) object in the manifest")
    }

    private func wrongType(_ key: String, expected: String, found: JSONValue) -> PluginError {
        .invalidConfig("\(path).\(key) must be \(expected) (found \(found.kindDescription))")
    }
}
