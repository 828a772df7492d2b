import ETLRuntimeCore

/// What the viewer was asked for, checked against the table's catalog: every name in it is one
/// the database listed (the request's text is only compared with them, never put into SQL), the
/// page size is capped, and a filter's value is a bound parameter.
struct TableQuery: Sendable {
    static let defaultSize = 50
    static let maximumSize = 500
    /// Beyond this a page number is a mistake, and page × size could overflow.
    static let maximumPage = 10_000_000

    enum Operator: String, Sendable, CaseIterable {
        case equals = "eq", contains, isNull = "null", notNull = "notnull"

        var label: String {
            switch self {
            case .equals: "="
            case .contains: "contains"
            case .isNull: "is null"
            case .notNull: "is not null"
            }
        }
    }

    var sink: String
    var table: String
    var columns: [String]
    var page = 1
    var size = defaultSize
    var sort: String?
    var descending = false
    var filterColumn: String?
    var filterOperator = Operator.equals
    var filterValue = ""

    var offset: Int { (page - 1) * size }

    /// A request the viewer refuses (400), with what to change.
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    /// Reads `parameters` for `table` of `sink`, whose columns are `columns`.
    init(sink: String, table: String, columns: [String], parameters: QueryParameters) throws(Problem) {
        self.sink = sink
        self.table = table
        self.columns = columns
        if let text = parameters["page"], !text.isEmpty {
            guard let number = Int(text), (1...Self.maximumPage).contains(number) else {
                throw Problem(description: "page: expected a whole number from 1 to \(Self.maximumPage), got \"\(text)\"")
            }
            page = number
        }
        if let text = parameters["size"], !text.isEmpty {
            guard let number = Int(text), (1...Self.maximumSize).contains(number) else {
                throw Problem(description: "size: expected a whole number of rows per page from 1 to \(Self.maximumSize), got \"\(text)\"")
            }
            size = number
        }
        if let name = parameters["sort"], !name.isEmpty {
            sort = try Self.column(name, of: columns, table: table, parameter: "sort")
        }
        switch parameters["dir"] ?? "" {
        case "", "asc": descending = false
        case "desc": descending = true
        case let other: throw Problem(description: "dir: expected asc or desc, got \"\(other)\"")
        }
        if let name = parameters["col"], !name.isEmpty {
            filterColumn = try Self.column(name, of: columns, table: table, parameter: "col")
            let text = parameters["op"] ?? ""
            guard let op = text.isEmpty ? .equals : Operator(rawValue: text) else {
                throw Problem(description: "op: expected one of \(Operator.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(text)\"")
            }
            filterOperator = op
            filterValue = parameters["value"] ?? ""
        }
    }

    static func column(_ name: String, of columns: [String], table: String, parameter: String) throws(Problem) -> String {
        guard let found = columns.first(where: { $0 == name }) else {
            throw Problem(description: "\(parameter): table \(table) has no column \"\(name)\"; its columns: \(columns.joined(separator: ", "))")
        }
        return found
    }

    /// The query string that shows this query with `changes` applied (for links).
    func link(_ changes: [String: String?] = [:], path: String = "/table") -> String {
        var items: [(String, String?)] = [
            ("sink", sink), ("table", table), ("page", String(page)), ("size", String(size)),
            ("sort", sort), ("dir", sort == nil ? nil : (descending ? "desc" : "asc")),
            ("col", filterColumn), ("op", filterColumn == nil ? nil : filterOperator.rawValue),
            ("value", filterColumn == nil || [.isNull, .notNull].contains(filterOperator) ? nil : filterValue),
        ]
        for (key, value) in changes {
            if let index = items.firstIndex(where: { $0.0 == key }) { items[index].1 = value } else { items.append((key, value)) }
        }
        return path + "?" + items.compactMap { key, value in value.map { "\(key)=\(HTMLText.queryValue($0))" } }.joined(separator: "&")
    }
}
