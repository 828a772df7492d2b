import ETLArrow
import ETLPluginKit

/// Columns for a stream that declares none: the top-level members of the first page's records,
/// in order of first appearance. Scalars are typed from their JSON values (integers int64,
/// other numbers double, booleans bool, strings text; mixed integers and doubles double, any
/// other mix text); nested objects and arrays are kept as JSON text. Members that are only ever
/// null load as text.
enum SchemaDiscovery {
    /// The columns the records suggest.
    static func columns(from records: [JSONValue]) -> [ColumnSpec] {
        var order: [String] = []
        var types: [String: ColumnType?] = [:]
        for record in records {
            guard case .object(let object) = record else { continue }
            for member in object.members {
                let observed = observedType(member.value)
                if let known = types[member.key] {
                    types[member.key] = merge(known, observed)
                } else {
                    order.append(member.key)
                    types[member.key] = observed
                }
            }
        }
        return order.map { name in
            ColumnSpec(name: name, path: JSONPathExpression(member: name), type: (types[name] ?? nil) ?? .text)
        }
    }

    /// The schema for columns.
    static func schema(_ columns: [ColumnSpec]) -> ArrowSchemaDescription {
        ArrowSchemaDescription(fields: columns.map { ArrowField(name: $0.name, type: $0.type.arrowType, nullable: true,
                                                                extensionName: $0.type == .json ? ArrowField.jsonExtension : nil) })
    }

    private static func observedType(_ value: JSONValue) -> ColumnType? {
        switch value {
        case .null: return nil
        case .bool: return .bool
        case .number(let number): return number.int64Value != nil && number.isIntegerLiteral ? .int64 : .double
        case .string: return .text
        case .array, .object: return .json
        }
    }

    private static func merge(_ known: ColumnType?, _ observed: ColumnType?) -> ColumnType? {
        guard let known else { return observed }
        guard let observed, observed != known else { return known }
        if Set([known, observed]) == [.int64, .double] { return .double }
        return known == .json || observed == .json ? .json : .text
    }
}
