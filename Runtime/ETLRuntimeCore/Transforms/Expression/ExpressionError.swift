/// A mistake in an expression: what is wrong and the character (1-based) where it starts.
package struct ExpressionError: Error, Sendable, Equatable, CustomStringConvertible {
    package var position: Int
    package var message: String

    package init(at position: Int, _ message: String) {
        self.position = position
        self.message = message
    }

    package var description: String { "at character \(position): \(message)" }
}
