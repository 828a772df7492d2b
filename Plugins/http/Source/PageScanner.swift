import ETLPluginKit

/// Walks a page's response bytes once, without building a `JSONValue` tree, and notes where
/// each wanted value sits: the body values of the page plan and, for every record of the
/// records array, the values of the record plan.
///
/// It accepts exactly the JSON the tree parser accepts (strict RFC 8259, valid UTF-8, the same
/// nesting limit) so that a page it reads is one the tree path would read too; anything it is
/// unsure of (a repeated member on a wanted path, a records value that is not an array) makes
/// it give up, and the caller reads that page the tree way, with the tree's messages.
struct PageScanner {
    /// Thrown on any problem; the tree path explains it.
    struct GaveUp: Error {}

    private let base: UnsafePointer<UInt8>
    private let end: Int
    private var offset = 0
    private var depth = 0
    private let recordPlan: ScanTable.View
    /// Per record-plan node: seen in the current record (a repeated member gives up).
    private let visited: UnsafeMutablePointer<Bool>
    private var recordCaptures: [Int] = []
    private var recordRanges: [Int] = []
    private var bodyCaptures: [Int]
    private var foundRecords = false
    private let recordSlots: Int

    /// The scan of `bytes`, or nil when the page must be read the tree way.
    static func scan(_ bytes: [UInt8], page pagePlan: ScanPlan, record recordPlan: ScanPlan) -> ScannedPage? {
        let pageTable = pagePlan.table, recordTable = recordPlan.table
        return withExtendedLifetime((pageTable, recordTable)) { bytes.withUnsafeBytes { raw -> ScannedPage? in
            guard let address = raw.baseAddress, raw.count > 0 else { return nil }
            var scanner = PageScanner(base: address.assumingMemoryBound(to: UInt8.self), count: raw.count,
                                      pageSlots: pagePlan.slotCount, recordPlan: recordTable.view, recordSlots: recordPlan.slotCount)
            defer { scanner.visited.deallocate() }
            do throws(GaveUp) {
                try scanner.document(pageTable.view)
            } catch {
                return nil
            }
            guard scanner.foundRecords else { return nil }
            return ScannedPage(bytes: bytes, recordSlots: recordPlan.slotCount, recordCaptures: scanner.recordCaptures,
                               recordRanges: scanner.recordRanges, bodyCaptures: scanner.bodyCaptures)
        } }
    }

    private init(base: UnsafePointer<UInt8>, count: Int, pageSlots: Int, recordPlan: ScanTable.View, recordSlots: Int) {
        self.base = base
        end = count
        self.recordPlan = recordPlan
        self.recordSlots = recordSlots
        visited = .allocate(capacity: recordPlan.nodeCount)
        visited.initialize(repeating: false, count: recordPlan.nodeCount)
        bodyCaptures = Array(repeating: -1, count: pageSlots * 2)
        offset = JSONGrammar.startOffset(base, count)
    }

    private mutating func document(_ plan: ScanTable.View) throws(GaveUp) {
        let bodyVisited = UnsafeMutablePointer<Bool>.allocate(capacity: plan.nodeCount)
        defer { bodyVisited.deallocate() }
        bodyVisited.initialize(repeating: false, count: plan.nodeCount)
        var captures = bodyCaptures
        try value(node: 0, plan: plan, captures: &captures, at: 0, visited: bodyVisited, isPage: true)
        bodyCaptures = captures
        skipWhitespace()
        guard offset == end else { throw GaveUp() }
    }

    @inline(__always)
    private mutating func skipWhitespace() {
        JSONGrammar.skipWhitespace(base, end, &offset)
    }

    /// Walks one value; `node` is its place in `plan` (-1: nothing wanted inside, just check it).
    /// Captures go to `captures[at + 2 * slot]` (start) and the next index (end).
    private mutating func value(node: Int, plan: ScanTable.View, captures: inout [Int], at: Int, visited: UnsafeMutablePointer<Bool>,
                                isPage: Bool) throws(GaveUp) {
        skipWhitespace()
        guard offset < end else { throw GaveUp() }
        if node >= 0, isPage, plan.nodes[node].isRecords {
            try records()
            return
        }
        let start = offset
        let wanted = node >= 0 && plan.nodes[node].hasChildren
        switch base[offset] {
        case UInt8(ascii: "{"):
            try object(node: wanted ? node : -1, plan: plan, captures: &captures, at: at, visited: visited, isPage: isPage)
        case UInt8(ascii: "["):
            try array(node: wanted ? node : -1, plan: plan, captures: &captures, at: at, visited: visited, isPage: isPage)
        case UInt8(ascii: "\""):
            _ = try string()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            guard JSONGrammar.skipNumber(base, end, &offset) else { throw GaveUp() }
        default:
            guard JSONGrammar.skipLiteral(base, end, &offset) != nil else { throw GaveUp() }
        }
        if node >= 0 {
            let info = plan.nodes[node]
            for position in Int(info.slotStart)..<Int(info.slotStart + info.slotCount) {
                let slot = Int(plan.slots[position])
                captures[at + 2 * slot] = start
                captures[at + 2 * slot + 1] = offset
            }
        }
    }

    /// The records array: each element walked with the record plan into its own captures.
    private mutating func records() throws(GaveUp) {
        guard base[offset] == UInt8(ascii: "["), !foundRecords else { throw GaveUp() }
        foundRecords = true
        try enter()
        skipWhitespace()
        if offset < end, base[offset] == UInt8(ascii: "]") {
            offset += 1
            depth -= 1
            return
        }
        let plan = recordPlan
        let width = recordSlots * 2
        var captures = recordCaptures
        recordCaptures = []
        let visited = self.visited
        while true {
            let at = captures.count
            captures.append(contentsOf: repeatElement(-1, count: width))
            visited.update(repeating: false, count: plan.nodeCount)
            skipWhitespace()
            recordRanges.append(offset)
            try value(node: 0, plan: plan, captures: &captures, at: at, visited: visited, isPage: false)
            recordRanges.append(offset)
            skipWhitespace()
            guard offset < end else { throw GaveUp() }
            if base[offset] == UInt8(ascii: ",") {
                offset += 1
                continue
            }
            guard base[offset] == UInt8(ascii: "]") else { throw GaveUp() }
            offset += 1
            depth -= 1
            recordCaptures = captures
            return
        }
    }

    private mutating func enter() throws(GaveUp) {
        depth += 1
        if depth > JSONParser.maximumDepth { throw GaveUp() }
        offset += 1
    }

    private mutating func object(node: Int, plan: ScanTable.View, captures: inout [Int], at: Int, visited: UnsafeMutablePointer<Bool>,
                                 isPage: Bool) throws(GaveUp) {
        try enter()
        skipWhitespace()
        if offset < end, base[offset] == UInt8(ascii: "}") {
            offset += 1
            depth -= 1
            return
        }
        while true {
            skipWhitespace()
            guard offset < end, base[offset] == UInt8(ascii: "\"") else { throw GaveUp() }
            let keyStart = offset
            let plain = try string()
            var child = -1
            if node >= 0 {
                let raw = UnsafeRawBufferPointer(start: base + keyStart + 1, count: offset - keyStart - 2)
                let quoted = UnsafeRawBufferPointer(start: base + keyStart, count: offset - keyStart)
                if let found = plan.child(of: node, keyBytes: raw, plainASCII: plain, decoded: { Self.decodedString(quoted) ?? "" }) {
                    // A repeated member: the tree keeps its first value; let the tree path do it.
                    guard !visited[found] else { throw GaveUp() }
                    visited[found] = true
                    child = found
                }
            }
            skipWhitespace()
            guard offset < end, base[offset] == UInt8(ascii: ":") else { throw GaveUp() }
            offset += 1
            try value(node: child, plan: plan, captures: &captures, at: at, visited: visited, isPage: isPage)
            skipWhitespace()
            guard offset < end else { throw GaveUp() }
            if base[offset] == UInt8(ascii: ",") {
                offset += 1
                continue
            }
            guard base[offset] == UInt8(ascii: "}") else { throw GaveUp() }
            offset += 1
            depth -= 1
            return
        }
    }

    private mutating func array(node: Int, plan: ScanTable.View, captures: inout [Int], at: Int, visited: UnsafeMutablePointer<Bool>,
                                isPage: Bool) throws(GaveUp) {
        try enter()
        skipWhitespace()
        if offset < end, base[offset] == UInt8(ascii: "]") {
            offset += 1
            depth -= 1
            return
        }
        var index = 0
        while true {
            let child = node >= 0 ? plan.child(of: node, index: index) ?? -1 : -1
            try value(node: child, plan: plan, captures: &captures, at: at, visited: visited, isPage: isPage)
            index += 1
            skipWhitespace()
            guard offset < end else { throw GaveUp() }
            if base[offset] == UInt8(ascii: ",") {
                offset += 1
                continue
            }
            guard base[offset] == UInt8(ascii: "]") else { throw GaveUp() }
            offset += 1
            depth -= 1
            return
        }
    }

    /// Checks a string and steps past it; true when it is plain ASCII without escapes.
    /// A string with escapes is checked by the tree parser itself, so both agree on it.
    private mutating func string() throws(GaveUp) -> Bool {
        let quote = offset
        offset += 1
        var high: UInt8 = 0
        var escaped = false
        while offset < end {
            let byte = base[offset]
            if byte == UInt8(ascii: "\"") {
                offset += 1
                let span = UnsafeRawBufferPointer(start: base + quote, count: offset - quote)
                if escaped {
                    guard Self.decodedString(span) != nil else { throw GaveUp() }
                } else if high >= 0x80 {
                    guard String(validating: span, as: UTF8.self) != nil else { throw GaveUp() }
                }
                return !escaped && high < 0x80
            }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                offset += 2
                continue
            }
            if byte < 0x20 { throw GaveUp() }
            high |= byte
            offset += 1
        }
        throw GaveUp()
    }

    /// The text of a quoted JSON string (quotes included in `span`), escapes decoded; nil when
    /// it is not a valid JSON string.
    static func decodedString(_ span: UnsafeRawBufferPointer) -> String? {
        guard case .string(let text)? = try? JSONValue(parsingFast: span) else { return nil }
        return text
    }
}
