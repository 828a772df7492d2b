import ETLPluginKit

/// Writes a value at a JSON path of a request body: the watermark at a stream's
/// `incremental.body_path`, a paging value at a `$.`-named paging parameter.
enum BodyPath {
    /// `body` with `value` at `path` (member and index steps only). Missing members are added
    /// as objects on the way; nil when a step meets an array element that is not there or a
    /// value that is neither object nor array.
    static func setting(_ value: JSONValue, at path: JSONPathExpression, in body: JSONObject) -> JSONObject? {
        guard case .object(let object)? = setting(value, at: path.steps[...], in: .object(body)) else { return nil }
        return object
    }

    private static func setting(_ value: JSONValue, at steps: ArraySlice<JSONPathExpression.Step>, in target: JSONValue?) -> JSONValue? {
        guard let step = steps.first else { return value }
        switch step {
        case .key(let key):
            var object: JSONObject
            switch target {
            case .object(let existing)?: object = existing
            case nil: object = JSONObject()
            default: return nil
            }
            guard let inner = setting(value, at: steps.dropFirst(), in: object[key]) else { return nil }
            object[key] = inner
            return .object(object)
        case .index(let index):
            guard case .array(var items)? = target, index < items.count,
                  let inner = setting(value, at: steps.dropFirst(), in: items[index]) else { return nil }
            items[index] = inner
            return .array(items)
        case .wildcard, .filter:
            return nil
        }
    }

    /// Parses a body path written in a config.
    /// - Throws: `ETL_INVALID_CONFIG` when it does not parse or is not made of member and index steps.
    static func parse(_ text: String, where location: String) throws(PluginError) -> JSONPathExpression {
        let path = try JSONPathExpression(text, where: location)
        guard path.isDefinite, !path.steps.isEmpty else {
            throw .invalidConfig("\(location) \"\(text)\" must name one place in the body, with member and index steps only (e.g. $.filterGroups[0].filters[0].value)")
        }
        return path
    }
}
