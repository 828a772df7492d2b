import ETLArrow
import ETLJSON

/// `explode`: a text column holding a JSON array becomes one row per element, the other columns
/// repeated. Elements arrive as text (strings unquoted, numbers and booleans as written, objects
/// and arrays as JSON) so a later `cast` or `json_get` can type them. A null or an empty array
/// keeps its row with a null (the parent is not lost); text that is not a JSON array is a reject.
/// Each new row keeps its parent's delete flag (TransformTable.deleteFlags).
enum ExplodeStep {
    static func compile(column index: Int, path: String) -> CompiledStep {
        CompiledStep { table, _ in
            var origins: [Int] = []
            var elements: [TransformValue] = []
            var failures: [Int: String] = [:]
            for (row, value) in table.columns[index].values.enumerated() {
                guard case .text(let text) = value else {
                    origins.append(row)
                    elements.append(.null)
                    continue
                }
                guard case .array(let array)? = try? JSONValue(parsingFast: Array(text.utf8)) else {
                    failures[row] = "\(path): \(TransformStepCompiler.quoted(value)) is not a JSON array"
                    continue
                }
                if array.isEmpty {
                    origins.append(row)
                    elements.append(.null)
                }
                for element in array {
                    origins.append(row)
                    elements.append(JSONPathStep.lookup([], in: element))
                }
            }
            var columns = table.columns
            for column in columns.indices where column != index { columns[column].repeatRows(origins) }
            columns[index].values = elements
            table = table.replacing(columns: columns, origins: origins)
            return .expanded(origins: origins, failures: failures)
        }
    }
}
