/// RFC 4180 CSV: a field is quoted when it holds a comma, quote, or line break; NULL is empty.
enum CSVText {
    static func line(_ fields: [String?]) -> String {
        fields.map { field in
            guard let field else { return "" }
            if field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
                return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return field
        } .joined(separator: ",") + "\r\n"
    }
}
