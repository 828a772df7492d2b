/// The result of parsing a JSON text: the positioned tree and any duplicate keys.
///
/// Duplicates are returned rather than thrown so that a manifest with one
/// still gets the rest of its mistakes reported in the same pass.
public struct JSONDocument: Sendable {
    /// The root value; for a duplicated key, the first occurrence is kept.
    public var root: JSONNode
    /// Every key written twice in the same object, in text order.
    public var duplicateKeys: [JSONDuplicateKey]

    /// Creates a document.
    public init(root: JSONNode, duplicateKeys: [JSONDuplicateKey]) {
        self.root = root
        self.duplicateKeys = duplicateKeys
    }
}
