import ETLArrow

/// Infers column types from sampled values, when no columns are declared: each column gets the
/// narrowest type every non-null sampled value reads as, in this order: bool (true/false only:
/// 1/0 and y/n are more often codes), int64, double, date (`%Y-%m-%d`), timestamp (ISO 8601),
/// text. A column with no non-null value sampled is text. Values are read exactly as the
/// decoder will read them (null_values, trimming, number separators), so a sampled row never
/// rejects under the inferred types.
struct TypeInference {
    private struct Candidates: OptionSet {
        let rawValue: UInt8
        static let bool = Candidates(rawValue: 1)
        static let int64 = Candidates(rawValue: 2)
        static let double = Candidates(rawValue: 4)
        static let date = Candidates(rawValue: 8)
        static let timestamp = Candidates(rawValue: 16)
        static let all: Candidates = [.bool, .int64, .double, .date, .timestamp]
    }

    private var candidates: [Candidates]
    private var seen: [Bool]
    private let nullValues: NullValueSet
    private let trim: Bool
    private let numberFormat: NumberFormat
    /// Rows sampled so far.
    private(set) var rows = 0

    init(columns: Int, nullValues: NullValueSet, trim: Bool, numberFormat: NumberFormat) {
        candidates = Array(repeating: .all, count: columns)
        seen = Array(repeating: false, count: columns)
        self.nullValues = nullValues
        self.trim = trim
        self.numberFormat = numberFormat
    }

    /// Narrows the candidates with one record's fields (records with another field count are
    /// left out: they reject whatever the types).
    mutating func observe(_ fields: FieldList) {
        guard fields.count == candidates.count else { return }
        rows += 1
        let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: NumberFormat.maxLength)
        defer { scratch.deallocate() }
        for index in 0..<fields.count {
            var field = fields.spans[index]
            if !field.quoted {
                if trim { field.trimBlanks() }
                if nullValues.contains(field.start, field.count) { continue }
            }
            seen[index] = true
            var left = candidates[index]
            if left.contains(Candidates.bool), !Self.isTrueOrFalse(field) { left.remove(Candidates.bool) }
            if left.contains(Candidates.int64), numberFormat.int64(field.start, field.count, scratch: scratch) == nil { left.remove(Candidates.int64) }
            if left.contains(Candidates.double) {
                let value = numberFormat.double(field.start, field.count, scratch: scratch)
                // nan and inf are words: a column of them is text.
                if value == nil || value?.isFinite == false { left.remove(Candidates.double) }
            }
            let bytes = UnsafeRawBufferPointer(start: field.start, count: field.count)
            if left.contains(Candidates.date), Self.dateFormat.parse(field.start, field.count)?.days() == nil { left.remove(Candidates.date) }
            if left.contains(Candidates.timestamp), ArrowTimestampText.parse(bytes) == nil { left.remove(Candidates.timestamp) }
            candidates[index] = left
        }
    }

    /// The inferred type of each column.
    var types: [CSVColumnType] {
        zip(candidates, seen).map { left, seen in
            guard seen else { return .text }
            for (option, type) in [(Candidates.bool, CSVColumnType.bool), (.int64, .int64), (.double, .double), (.date, .date), (.timestamp, .timestamp)]
            where left.contains(option) {
                return type
            }
            return .text
        }
    }

    /// The format a date column without `format` is read with (`BlockDecoder`).
    private static let dateFormat = try! DateTimeFormat("%Y-%m-%d", forDate: true, path: "date")

    private static func isTrueOrFalse(_ field: FieldSpan) -> Bool {
        let text = String(decoding: field.bytes, as: UTF8.self).lowercased()
        return text == "true" || text == "false"
    }
}
