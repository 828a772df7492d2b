/// A transform that cannot apply to the batch's columns: where it is written (JSON path, with the
/// position inside an expression) and what to change. The run stops before writing (exit 78).
package struct TransformError: Error, Sendable, Equatable, CustomStringConvertible {
    package var path: String
    package var message: String

    package init(_ path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    package var description: String { "\(path): \(message)" }
}
