/// A key written twice in one object.
///
/// RFC 8259 leaves duplicates undefined and parsers disagree on which value
/// wins, so a manifest with one is refused rather than guessed at.
public struct JSONDuplicateKey: Sendable, Hashable {
    /// The repeated key.
    public var key: String
    /// The path of the member, e.g. `$.control_table[0].mode`.
    public var path: JSONPath
    /// Where the key was first written (this occurrence is the one kept).
    public var firstLocation: JSONLocation
    /// Where it was written again.
    public var duplicateLocation: JSONLocation

    /// Creates a duplicate-key record.
    public init(key: String, path: JSONPath, firstLocation: JSONLocation, duplicateLocation: JSONLocation) {
        self.key = key
        self.path = path
        self.firstLocation = firstLocation
        self.duplicateLocation = duplicateLocation
    }

    /// Names both lines, e.g. `duplicate key "mode" (lines 12 and 15); keep one`.
    public var message: String {
        "duplicate key \(JSONValue.string(key).serialized()) (lines \(firstLocation.line) and \(duplicateLocation.line)); keep one"
    }
}
