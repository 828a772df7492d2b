import ETLPluginKit

/// Writes the small JSON documents the plugin produces (resume states). Reading goes through
/// the kit's `PluginConfig`, so only writing lives here.
enum JSONText {
    /// `text` as a JSON string literal, escaped by ETLJSON's writer (RFC 8259).
    static func string(_ text: String) -> String {
        JSONValue.string(text).serialized()
    }

    /// A finite double as a JSON number that reads back to the same double (Swift prints the
    /// shortest round-tripping form, e.g. "0.1", "1e-07", which JSON accepts).
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        return "\(value)"
    }

    /// An object from members whose values are already JSON text, in the given order.
    static func object(_ members: [(String, String)]) -> String {
        "{" + members.map { string($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }

    /// An array from elements that are already JSON text.
    static func array(_ elements: [String]) -> String {
        "[" + elements.joined(separator: ",") + "]"
    }
}
