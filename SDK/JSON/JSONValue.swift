/// A JSON value as the runtime hands it around: plugin configs, resume state,
/// initial watermarks.
///
/// Numbers keep their literal text (see `JSONNumber`) and objects keep their
/// key order (see `JSONObject`), so a value read from a manifest and written
/// back out says exactly what the user wrote.
public indirect enum JSONValue: Sendable, Hashable {
    /// `null`
    case null
    /// `true` or `false`
    case bool(Bool)
    /// A number, with its literal text.
    case number(JSONNumber)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object, members in written order.
    case object(JSONObject)

    /// Parses JSON text strictly (RFC 8259); a duplicate key is an error too.
    public init(parsing text: String) throws(JSONSyntaxError) {
        let document = try JSONParser.parse(text)
        if let duplicate = document.duplicateKeys.first {
            throw JSONSyntaxError(location: duplicate.duplicateLocation, message: duplicate.message)
        }
        self = document.root.value
    }

    /// Parses UTF-8 JSON bytes with the same strict rules as `init(parsing:)`, several times faster:
    /// the value is built directly, with no positions recorded. Use it for bulk data such as API
    /// responses; a leading byte-order mark is skipped.
    ///
    /// The text accepted and the values produced are exactly those of `init(parsing:)`, duplicate
    /// keys and nesting beyond `JSONParser.maximumDepth` included. On bad input the bytes are parsed
    /// again by `JSONParser`, so the error carries the same line, column and message.
    public init(parsingFast bytes: UnsafeRawBufferPointer) throws(JSONSyntaxError) {
        if let value = JSONFastScanner.parse(bytes) {
            self = value
            return
        }
        try self.init(positionedParsing: Array(bytes))
    }

    /// Parses UTF-8 JSON bytes on the fast path; see `init(parsingFast:)` for a raw buffer.
    public init(parsingFast bytes: [UInt8]) throws(JSONSyntaxError) {
        if let value = bytes.withUnsafeBytes({ JSONFastScanner.parse($0) }) {
            self = value
            return
        }
        try self.init(positionedParsing: bytes)
    }

    /// The positioned parser's verdict, duplicate keys refused: the reference the fast path
    /// falls back on, so its errors carry line, column and message.
    private init(positionedParsing bytes: [UInt8]) throws(JSONSyntaxError) {
        let document = try JSONParser.parse(bytes: bytes)
        if let duplicate = document.duplicateKeys.first {
            throw JSONSyntaxError(location: duplicate.duplicateLocation, message: duplicate.message)
        }
        // Reached only if the fast scanner refused text the positioned parser accepts; the
        // positioned result is the reference, so it wins.
        self = document.root.value
    }

    /// The string, when this is a string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The boolean, when this is a boolean.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The number, when this is a number.
    public var numberValue: JSONNumber? {
        if case .number(let value) = self { return value }
        return nil
    }

    /// The number as an exact 64-bit integer, when this is an integral number that fits.
    public var int64Value: Int64? { numberValue?.int64Value }

    /// The number as a double, when this is a number.
    public var doubleValue: Double? { numberValue?.doubleValue }

    /// The elements, when this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The object, when this is an object.
    public var objectValue: JSONObject? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// True for `null`.
    public var isNull: Bool { self == .null }

    /// The kind of value with its article, for messages such as
    /// `config.port must be an integer (found a string)`: `null`, `a boolean`,
    /// `a number`, `a string`, `an array` or `an object`.
    ///
    /// It names the kind, never the value, so a message built with it cannot leak a secret.
    public var kindDescription: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// True for null, booleans, numbers and strings.
    public var isScalar: Bool {
        switch self {
        case .array, .object: return false
        case .null, .bool, .number, .string: return true
        }
    }

    /// The member `key` of an object; nil for a missing key or a non-object.
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }
}

extension JSONValue: ExpressibleByNilLiteral {
    /// `nil` is JSON `null`.
    public init(nilLiteral: ()) { self = .null }
}

extension JSONValue: ExpressibleByBooleanLiteral {
    /// A boolean literal.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension JSONValue: ExpressibleByIntegerLiteral {
    /// An integer literal.
    public init(integerLiteral value: Int64) { self = .number(JSONNumber(value)) }
}

extension JSONValue: ExpressibleByStringLiteral {
    /// A string literal.
    public init(stringLiteral value: String) { self = .string(value) }
}

extension JSONValue: ExpressibleByArrayLiteral {
    /// An array literal.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
}

extension JSONValue: ExpressibleByDictionaryLiteral {
    /// A dictionary literal; its order becomes the object's member order.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(elements))
    }
}

extension JSONValue: CustomStringConvertible {
    /// Compact JSON text.
    public var description: String { serialized() }
}
