import ETLPluginKit

/// A JSON path as the configs write them: `$`, `$.tasks`, `$.meta.next_cursor`,
/// `$.assignees[0].username`, `$['odd key']`, the wildcard `$.assignees[*].username` (or
/// `.*`) and filters `$.custom_fields[?(@.name=='Squad')].value` (see `JSONPathFilter`).
///
/// A path of member and index steps only is *definite*: it names at most one value. A
/// wildcard or filter makes it select any number of values, in document order (`matches`).
struct JSONPathExpression: Sendable, Hashable, CustomStringConvertible {
    /// One step: an object member, an array element, every child, or the children a filter keeps.
    enum Step: Sendable, Hashable {
        case key(String)
        case index(Int)
        case wildcard
        case filter(JSONPathFilter)
    }

    /// The steps after `$`.
    let steps: [Step]
    /// The text as written.
    let description: String
    /// True when every step is a member or an index (the path names at most one value).
    let isDefinite: Bool

    /// A path that reads the top-level member `key` of a record.
    init(member key: String) {
        self.init(steps: [.key(key)], description: "$." + key)
    }

    /// A path of `steps`, shown as `description` in messages.
    init(steps: [Step], description: String) {
        self.steps = steps
        self.description = description
        isDefinite = steps.allSatisfy { step in
            switch step {
            case .key, .index: return true
            case .wildcard, .filter: return false
            }
        }
    }

    /// Parses a path.
    /// - Throws: `ETL_INVALID_CONFIG` naming `where`, the character position and the problem.
    init(_ text: String, where location: String) throws(PluginError) {
        var reader = JSONPathReader(text)
        do throws(JSONPathReader.Failure) {
            let steps = try reader.path()
            self.init(steps: steps, description: text)
        } catch {
            throw .invalidConfig("\(location) \"\(text)\" is not a supported JSON path: at character \(error.position + 1): \(error.reason); write it like $.a.b[0]['c d'], $.a[*].b or $.a[?(@.name=='x')].value")
        }
    }

    /// The value the path names in `value`, or nil when a step is missing. For a path that may
    /// select several values, the first of them.
    func evaluate(_ value: JSONValue) -> JSONValue? {
        guard isDefinite else { return matches(value).first }
        var current = value
        // One pattern per step rather than a switch over (step, value) pairs: the tuple would
        // copy the value, and this runs for every column of every record.
        for step in steps {
            switch step {
            case .key(let key):
                guard case .object(let object) = current, let next = object[key] else { return nil }
                current = next
            case .index(let index):
                guard case .array(let items) = current, index < items.count else { return nil }
                current = items[index]
            case .wildcard, .filter:
                return nil
            }
        }
        return current
    }

    /// The value a column of `type` takes: for a path that may select several values, a `json`
    /// column holds all of them as an array (`[]` when none), any other type the first (null
    /// when none); a definite path gives its value either way.
    func columnValue(_ record: JSONValue, json: Bool) -> JSONValue {
        if !isDefinite, json { return .array(matches(record)) }
        return evaluate(record) ?? .null
    }

    /// Every value the path selects in `value`, in document order.
    func matches(_ value: JSONValue) -> [JSONValue] {
        var current = [value]
        for step in steps {
            var next: [JSONValue] = []
            for item in current { Self.apply(step, to: item, into: &next) }
            current = next
            if current.isEmpty { break }
        }
        return current
    }

    private static func apply(_ step: Step, to value: JSONValue, into found: inout [JSONValue]) {
        switch step {
        case .key(let key):
            if case .object(let object) = value, let next = object[key] { found.append(next) }
        case .index(let index):
            if case .array(let items) = value, index < items.count { found.append(items[index]) }
        case .wildcard:
            switch value {
            case .array(let items): found += items
            case .object(let object): found += object.members.map(\.value)
            default: break
            }
        case .filter(let filter):
            switch value {
            case .array(let items): found += items.filter(filter.keeps)
            case .object(let object): found += object.members.map(\.value).filter(filter.keeps)
            default: break
            }
        }
    }
}
