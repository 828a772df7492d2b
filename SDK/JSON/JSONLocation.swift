/// A position in JSON source text: 1-based line and 1-based column.
///
/// Columns count Unicode scalars rather than bytes, so a caret under a line
/// holding non-ASCII text still points at the right character.
public struct JSONLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The 1-based line number.
    public var line: Int
    /// The 1-based column, in Unicode scalars from the start of the line.
    public var column: Int

    /// Creates a location from a line and a column, both counted from 1.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// Orders locations as they appear in the text.
    public static func < (lhs: JSONLocation, rhs: JSONLocation) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }

    /// `line:column`, the form compilers print.
    public var description: String { "\(line):\(column)" }
}
