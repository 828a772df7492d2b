import ETLJSON

extension JSONSyntaxError {
    /// `line 1, column 7: expected a JSON value, found '}'`.
    ///
    /// A config or schema arrives as a string, not a file, so the compiler-style `1:7:` of
    /// `description` would have nothing in front of it; spelled out, the position reads well
    /// after "config is not valid JSON: ".
    var positionedMessage: String {
        "line \(location.line), column \(location.column): \(message)"
    }
}
