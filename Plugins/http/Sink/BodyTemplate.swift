import ETLPluginKit

/// The sink's `body` template: a JSON value in which a string that is exactly `{col}` becomes
/// the record's typed value of `col`, a string containing placeholders becomes text with them
/// filled, and everything else is sent as written.
struct BodyTemplate: Sendable {
    let template: JSONValue

    /// The body for one record.
    func render(_ record: JSONObject) throws(PluginError) -> JSONValue {
        try render(template, record)
    }

    private func render(_ value: JSONValue, _ record: JSONObject) throws(PluginError) -> JSONValue {
        switch value {
        case .string(let text):
            let names = Template.placeholders(text)
            if names.count == 1, text == "{\(names[0])}" { return try Self.column(names[0], record) }
            guard !names.isEmpty else { return value }
            return .string(try Template.render(text) { name throws(PluginError) in RecordJSON.text(try Self.column(name, record)) })
        case .array(let items):
            var rendered: [JSONValue] = []
            for item in items { rendered.append(try render(item, record)) }
            return .array(rendered)
        case .object(let object):
            var rendered = JSONObject()
            for member in object.members { rendered[member.key] = try render(member.value, record) }
            return .object(rendered)
        default:
            return value
        }
    }

    /// The record's value of `name`.
    /// - Throws: `ETL_INVALID_CONFIG` naming the columns there are.
    static func column(_ name: String, _ record: JSONObject) throws(PluginError) -> JSONValue {
        guard let value = record[name] else {
            throw .invalidConfig("the sink's template uses {\(name)} but the records have no column \(name); the columns are \(record.keys.joined(separator: ", "))")
        }
        return value
    }
}
