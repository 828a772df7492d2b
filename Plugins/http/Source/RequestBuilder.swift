import ETLPluginKit

/// Builds a stream's requests: the path template filled, fixed query, headers and body (its
/// strings' `{name}` placeholders filled too), the watermark, and the pagination parameters (in the query for GET, in the body for POST).
struct RequestBuilder: Sendable {
    let stream: StreamSettings
    let baseURL: String
    /// Values for `{name}` placeholders (the entry's `options`, `EntryOptionVariables`).
    let variables: [String: String]
    /// The watermark as the request sends it, or nil (a full read, or no start value yet).
    let watermark: String?

    /// The request with `paging` parameters added.
    func request(paging: [(name: String, value: JSONValue)]) throws(PluginError) -> HTTPRequest {
        let path = try Template.render(stream.path) { name throws(PluginError) in URLText.encodePathValue(try variable(name)) }
        var query: [(name: String, value: String)] = []
        for pair in stream.query {
            query.append((pair.name, try Template.render(pair.value) { name throws(PluginError) in try variable(name) }))
        }
        var headers: [(name: String, value: String)] = []
        for pair in stream.headers {
            headers.append((pair.name, try Template.render(pair.value) { name throws(PluginError) in try variable(name) }))
        }
        var body = try stream.body.map { object throws(PluginError) in try rendered(object) }
        if let incremental = stream.incremental, let watermark {
            switch incremental.placement {
            case .query: query.append((incremental.parameter, watermark))
            case .header: headers.append((incremental.parameter, watermark))
            case .body:
                let object = body ?? JSONObject()
                body = try Self.set(Self.watermarkValue(watermark, replacing: incremental.bodyPath.flatMap { $0.evaluate(.object(object)) }),
                                    at: incremental.bodyPath ?? JSONPathExpression(member: incremental.parameter), in: object)
            }
        }
        if stream.method == "POST" {
            var object = body ?? JSONObject()
            for pair in paging {
                if pair.name.hasPrefix("$") {
                    object = try Self.set(pair.value, at: try BodyPath.parse(pair.name, where: "stream \"\(stream.name)\" pagination"), in: object)
                } else {
                    object[pair.name] = pair.value
                }
            }
            body = object
        } else {
            for pair in paging { query.append((pair.name, Self.text(pair.value))) }
        }
        return HTTPRequest(method: stream.method, location: URLText.join(baseURL, path), query: query, headers: headers,
                           body: body.map { Array(JSONValue.object($0).serialized().utf8) })
    }

    /// The body template with `{name}` placeholders of its strings filled (as text).
    private func rendered(_ object: JSONObject) throws(PluginError) -> JSONObject {
        var result = JSONObject()
        for member in object.members { result[member.key] = try rendered(member.value) }
        return result
    }

    private func rendered(_ value: JSONValue) throws(PluginError) -> JSONValue {
        switch value {
        case .string(let text) where text.contains("{") || text.contains("}"):
            return .string(try Template.render(text) { name throws(PluginError) in try variable(name) })
        case .array(let items):
            var result: [JSONValue] = []
            for item in items { result.append(try rendered(item)) }
            return .array(result)
        case .object(let object):
            return .object(try rendered(object))
        default:
            return value
        }
    }

    private func variable(_ name: String) throws(PluginError) -> String {
        guard let value = variables[name] else {
            throw .invalidConfig("stream \"\(stream.name)\" uses {\(name)} but the entry's options have no \"\(name)\"; add it to the entry's \"options\", e.g. \"options\": {\"\(name)\": \"...\"}")
        }
        return value
    }

    /// The watermark as the body sends it: a number where the template holds a number (an API
    /// that wants epoch numbers), else a string (HubSpot wants epoch milliseconds as text).
    private static func watermarkValue(_ watermark: String, replacing placeholder: JSONValue?) -> JSONValue {
        if case .number? = placeholder, let number = JSONNumber(text: watermark) { return .number(number) }
        return .string(watermark)
    }

    private static func set(_ value: JSONValue, at path: JSONPathExpression, in body: JSONObject) throws(PluginError) -> JSONObject {
        guard let updated = BodyPath.setting(value, at: path, in: body) else {
            throw .invalidConfig("the request body has no place for \(path): a step meets a missing array element or a value that is not an object")
        }
        return updated
    }

    private static func text(_ value: JSONValue) -> String {
        if case .string(let text) = value { return text }
        return value.serialized()
    }
}
