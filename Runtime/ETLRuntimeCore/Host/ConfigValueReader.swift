import CETLPlugin
import ETLJSON

/// What the host's `config_get_*` functions do, in Swift: find one value in a JSON document by a
/// `ConfigValuePath` and convert it, or say why not. Messages name the path (`$.columns[2].name`)
/// and the kind of value found, never the value: configs carry expanded secrets.
enum ConfigValueReader {
    /// A refusal, with the status the C caller sees.
    struct Refusal: Error {
        var status: etl_status
        var message: String
    }

    /// The value at `pathText` in `json`, or nil when it is absent or `null` (the caller's
    /// default stands).
    static func value(in json: String, at pathText: String) throws(Refusal) -> (value: JSONValue, path: JSONPath)? {
        let components: [JSONPath.Component]
        do throws(ConfigValuePath.Malformed) {
            components = try ConfigValuePath.parse(pathText)
        } catch {
            throw Refusal(status: ETL_INTERNAL, message: "path \"\(pathText)\" is not valid: \(error.reason)")
        }
        var current: JSONValue
        do throws(JSONSyntaxError) {
            current = try JSONValue(parsing: json)
        } catch {
            throw Refusal(
                status: ETL_INVALID_CONFIG,
                message: "the JSON text is not valid: line \(error.location.line), column \(error.location.column): \(error.message)")
        }
        var path = JSONPath.root
        for component in components {
            switch (component, current) {
            case (_, .null):
                return nil
            case (.key(let key), .object(let members)):
                guard let member = members[key] else { return nil }
                current = member
            case (.index(let index), .array(let elements)):
                guard index < elements.count else { return nil }
                current = elements[index]
            case (.key(let key), _):
                throw refusal(path, expected: "an object (to read \(JSONValue.string(key).serialized()))", found: current)
            case (.index(let index), _):
                throw refusal(path, expected: "an array (to read element \(index))", found: current)
            }
            switch component {
            case .key(let key): path = path.appending(key: key)
            case .index(let index): path = path.appending(index: index)
            }
        }
        return current == .null ? nil : (current, path)
    }

    static func string(in json: String, at path: String) throws(Refusal) -> String? {
        guard let (value, where_) = try value(in: json, at: path) else { return nil }
        guard case .string(let text) = value else { throw refusal(where_, expected: "a string", found: value) }
        guard !text.unicodeScalars.contains("\0") else {
            throw Refusal(
                status: ETL_INVALID_CONFIG,
                message: "\(where_): the string holds a NUL character (\\u0000), which C strings cannot carry")
        }
        return text
    }

    static func int64(in json: String, at path: String) throws(Refusal) -> Int64? {
        guard let (value, where_) = try value(in: json, at: path) else { return nil }
        guard case .number(let number) = value else { throw refusal(where_, expected: "an integer", found: value) }
        guard number.isIntegral else {
            throw Refusal(status: ETL_INVALID_CONFIG, message: "\(where_): expected an integer, found a number with a fraction")
        }
        guard let integer = number.int64Value else {
            throw Refusal(
                status: ETL_INVALID_CONFIG,
                message: "\(where_): expected an integer from \(Int64.min) to \(Int64.max), found one outside that range")
        }
        return integer
    }

    static func double(in json: String, at path: String) throws(Refusal) -> Double? {
        guard let (value, where_) = try value(in: json, at: path) else { return nil }
        guard case .number(let number) = value else { throw refusal(where_, expected: "a number", found: value) }
        guard number.doubleValue.isFinite else {
            throw Refusal(
                status: ETL_INVALID_CONFIG, message: "\(where_): expected a number within the range of a double, found one outside it")
        }
        return number.doubleValue
    }

    static func bool(in json: String, at path: String) throws(Refusal) -> Bool? {
        guard let (value, where_) = try value(in: json, at: path) else { return nil }
        guard case .bool(let flag) = value else { throw refusal(where_, expected: "true or false", found: value) }
        return flag
    }

    /// An array's element count or an object's member count.
    static func length(in json: String, at path: String) throws(Refusal) -> Int64? {
        guard let (value, where_) = try value(in: json, at: path) else { return nil }
        switch value {
        case .array(let elements): return Int64(elements.count)
        case .object(let members): return Int64(members.count)
        default: throw refusal(where_, expected: "an array or an object", found: value)
        }
    }

    /// What the value is; `ETL_JSON_ABSENT` for absent or `null`.
    static func kind(in json: String, at path: String) throws(Refusal) -> etl_json_kind {
        guard let (value, _) = try value(in: json, at: path) else { return ETL_JSON_ABSENT }
        switch value {
        case .null: return ETL_JSON_ABSENT
        case .bool: return ETL_JSON_BOOL
        case .number: return ETL_JSON_NUMBER
        case .string: return ETL_JSON_STRING
        case .array: return ETL_JSON_ARRAY
        case .object: return ETL_JSON_OBJECT
        }
    }

    private static func refusal(_ path: JSONPath, expected: String, found: JSONValue) -> Refusal {
        Refusal(status: ETL_INVALID_CONFIG, message: "\(path): expected \(expected), found \(found.kindDescription)")
    }
}
