import ETLPluginKit

/// A stream's `children` member: an array in each record offered as a stream of its own,
/// `<stream>__<name>`, whose rows are the array's elements after the parent key columns (the
/// parent's cursor column when the parent is incremental) and `_index`, the element's position.
struct ChildTable: Sendable {
    /// The name after `__`.
    var name: String
    /// Where the array is in a parent record.
    var path: JSONPathExpression
    /// Column name → where the value is in the parent record.
    var parentKey: [(name: String, path: JSONPathExpression)]
    /// The element columns, or nil to discover them.
    var columns: [ColumnSpec]?

    /// The element position column.
    static let indexColumn = "_index"
    /// The member a scalar element is read from.
    static let scalarMember = "value"

    init(name: String, config: PluginConfig) throws(PluginError) {
        try config.rejectUnknownKeys(allowed: ["path", "parent_key", "columns"])
        self.name = name
        path = try JSONPathExpression(try config.string("path"), where: "\(config.path).path")
        let keys = try config.object("parent_key")
        guard !keys.members.isEmpty else {
            throw .invalidConfig("\(keys.path) must name at least one column, e.g. {\"task_id\": \"$.id\"}: the rows need their parent's key")
        }
        var parentKey: [(name: String, path: JSONPathExpression)] = []
        for member in keys.members.members {
            guard case .string(let text) = member.value else {
                throw .invalidConfig("\(keys.path).\(member.key) must be a JSON path string such as \"$.id\" (found \(member.value.kindDescription))")
            }
            guard member.key != Self.indexColumn else {
                throw .invalidConfig("\(keys.path).\(member.key): \(Self.indexColumn) is the element position column; name the key otherwise")
            }
            parentKey.append((member.key, try JSONPathExpression(text, where: "\(keys.path).\(member.key)")))
        }
        self.parentKey = parentKey
        columns = try ColumnSpec.list(config, "columns")
    }

    /// The name of the column carrying the parent's cursor in an incremental parent's rows: the
    /// parent's declared column of that path, else the path's last member name.
    static func cursorColumn(of parent: StreamSettings) -> String? {
        guard let cursor = parent.incremental?.cursorPath else { return nil }
        if let column = parent.columns?.first(where: { $0.path.steps == cursor.steps }) { return column.name }
        if case .key(let name)? = cursor.steps.last { return name }
        return "_parent_cursor"
    }

    /// The child stream `<parent>__<name>`: the parent's requests, rows from the arrays.
    func stream(of parent: StreamSettings) -> StreamSettings {
        var child = parent
        child.name = parent.name + "__" + name
        child.children = []
        child.columns = nil
        child.childOf = (parent.name, self)
        if var incremental = parent.incremental, let cursor = Self.cursorColumn(of: parent) {
            incremental.cursorPath = JSONPathExpression(member: cursor)
            child.incremental = incremental
        }
        return child
    }

    /// The leading columns: the parent key (typed as the parent's column of the same path, else
    /// text), the parent cursor when incremental, and `_index`.
    func leadingColumns(parent: StreamSettings, parentColumns: [ColumnSpec]) -> [ColumnSpec] {
        func type(of path: JSONPathExpression) -> ColumnType {
            parentColumns.first { $0.path.steps == path.steps }?.type ?? .text
        }
        var columns = parentKey.map { ColumnSpec(name: $0.name, path: JSONPathExpression(member: $0.name), type: type(of: $0.path)) }
        if let cursor = Self.cursorColumn(of: parent), let path = parent.incremental?.cursorPath {
            columns.append(ColumnSpec(name: cursor, path: JSONPathExpression(member: cursor), type: type(of: path)))
        }
        columns.append(ColumnSpec(name: Self.indexColumn, path: JSONPathExpression(member: Self.indexColumn), type: .int64))
        return columns
    }

    /// The row records of one parent record: the parent key members, the parent cursor, then
    /// `_index`, then the element's members (an object element; a member named like a leading
    /// column gives way) or `value` (any other element). No array there: no rows.
    func rows(of record: JSONValue, parentCursor: JSONPathExpression?, cursorColumn: String?) -> [JSONValue] {
        let elements: [JSONValue]
        if path.isDefinite {
            guard case .array(let items)? = path.evaluate(record) else { return [] }
            elements = items
        } else {
            elements = path.matches(record)
        }
        guard !elements.isEmpty else { return [] }
        var leading = JSONObject()
        for key in parentKey { leading[key.name] = key.path.evaluate(record) ?? .null }
        if let parentCursor, let cursorColumn { leading[cursorColumn] = parentCursor.evaluate(record) ?? .null }
        return elements.enumerated().map { position, element in
            var row = leading
            row[Self.indexColumn] = .number(JSONNumber(position))
            if case .object(let object) = element {
                for member in object.members where row[member.key] == nil { row[member.key] = member.value }
            } else {
                row[Self.scalarMember] = element
            }
            return .object(row)
        }
    }
}

/// The pages of a child table stream: each page of the parent stream made into the rows of
/// its records' arrays (a page may have none).
final class ChildTablePages: PageStream {
    private let table: ChildTable
    private let parent: StreamSettings
    private let parents: any PageStream

    init(table: ChildTable, parent: StreamSettings, parents: any PageStream) {
        self.table = table
        self.parent = parent
        self.parents = parents
    }

    func next() throws(PluginError) -> FetchedPage? {
        guard let page = try parents.next() else { return nil }
        let cursorColumn = ChildTable.cursorColumn(of: parent)
        var rows: [JSONValue] = []
        for record in try page.treeRecords(at: parent.recordsPath) {
            rows += table.rows(of: record, parentCursor: parent.incremental?.cursorPath, cursorColumn: cursorColumn)
        }
        return FetchedPage(source: page.source, records: rows, scanned: nil, nextCursor: page.nextCursor)
    }
}
