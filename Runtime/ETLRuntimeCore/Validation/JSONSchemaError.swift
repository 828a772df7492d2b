/// Why a plugin's config schema cannot be used.
///
/// This is a fault of the plugin, not of the manifest, so the message points
/// into the schema (`#/properties/delimiter`) rather than at the user's file.
package struct JSONSchemaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where in the schema, as a JSON Pointer fragment (`#/properties/header`).
    package var pointer: String
    /// What is wrong.
    package var message: String

    /// Creates a schema error.
    package init(pointer: String, message: String) {
        self.pointer = pointer
        self.message = message
    }

    /// `at #/properties/header: "type" must be a string or an array of strings`
    package var description: String { "at \(pointer): \(message)" }
}
