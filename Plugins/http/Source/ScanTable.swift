#if canImport(Glibc)
import Glibc
#endif

/// A `ScanPlan` laid out flat in memory for the byte scan's inner loop: reading a node's keys,
/// slots or flags through these pointers costs no reference counting, which reading the
/// plan's nested Swift arrays did (about a tenth of a page scan went to retain/release).
/// Built once per plan and immutable afterwards, so it is safe to share between threads.
final class ScanTable: @unchecked Sendable {
    struct NodeInfo {
        var isRecords: Bool
        var hasChildren: Bool
        var slotStart: Int32
        var slotCount: Int32
        var keyStart: Int32
        var keyCount: Int32
        var indexStart: Int32
        var indexCount: Int32
    }

    struct KeyInfo {
        var bytesStart: Int32
        var bytesCount: Int32
        var isASCII: Bool
        var child: Int32
    }

    struct IndexInfo {
        var index: Int
        var child: Int
    }

    /// The pointers the scanner reads; valid while the table lives.
    struct View {
        let nodes: UnsafePointer<NodeInfo>
        let nodeCount: Int
        let slots: UnsafePointer<Int32>
        let keys: UnsafePointer<KeyInfo>
        let keyBytes: UnsafePointer<UInt8>
        let indexes: UnsafePointer<IndexInfo>
        unowned(unsafe) let table: ScanTable

        /// The child of `node` reached by member `keyBytes` (its raw text, without quotes).
        /// Keys compare as Swift strings (canonical equivalence, as object lookups do) unless
        /// both sides are plain ASCII; `decoded` gives the member name as a string.
        @inline(__always)
        func child(of node: Int, keyBytes raw: UnsafeRawBufferPointer, plainASCII: Bool, decoded: () -> String) -> Int? {
            let info = nodes[node]
            var text: String?
            for position in Int(info.keyStart)..<Int(info.keyStart + info.keyCount) {
                let key = keys[position]
                if plainASCII, key.isASCII {
                    if Int(key.bytesCount) == raw.count,
                       raw.count == 0 || memcmp(keyBytes + Int(key.bytesStart), raw.baseAddress!, raw.count) == 0 {
                        return Int(key.child)
                    }
                    continue
                }
                if text == nil { text = decoded() }
                if table.keyTexts[position] == text { return Int(key.child) }
            }
            return nil
        }

        /// The child of `node` reached by element `index`, if the plan goes there.
        @inline(__always)
        func child(of node: Int, index: Int) -> Int? {
            let info = nodes[node]
            for position in Int(info.indexStart)..<Int(info.indexStart + info.indexCount) where indexes[position].index == index {
                return indexes[position].child
            }
            return nil
        }
    }

    /// The table of a plan with one empty node (a placeholder while a plan is being built).
    static let empty = ScanTable([ScanPlan.Node()])

    private let nodes: UnsafeMutableBufferPointer<NodeInfo>
    private let slots: UnsafeMutableBufferPointer<Int32>
    private let keys: UnsafeMutableBufferPointer<KeyInfo>
    private let keyBytes: UnsafeMutableBufferPointer<UInt8>
    private let indexes: UnsafeMutableBufferPointer<IndexInfo>
    /// Each key's member name, for the rare compare that is not plain ASCII on both sides.
    let keyTexts: [String]

    init(_ plan: [ScanPlan.Node]) {
        var nodeInfos: [NodeInfo] = []
        var slotList: [Int32] = []
        var keyList: [KeyInfo] = []
        var bytes: [UInt8] = []
        var texts: [String] = []
        var indexList: [IndexInfo] = []
        for node in plan {
            nodeInfos.append(NodeInfo(isRecords: node.isRecords, hasChildren: node.hasChildren,
                                      slotStart: Int32(slotList.count), slotCount: Int32(node.slots.count),
                                      keyStart: Int32(keyList.count), keyCount: Int32(node.keys.count),
                                      indexStart: Int32(indexList.count), indexCount: Int32(node.indexes.count)))
            slotList += node.slots.map { Int32($0) }
            for (key, child) in node.keys {
                keyList.append(KeyInfo(bytesStart: Int32(bytes.count), bytesCount: Int32(key.bytes.count),
                                       isASCII: key.isASCII, child: Int32(child)))
                bytes += key.bytes
                texts.append(key.text)
            }
            indexList += node.indexes.map { IndexInfo(index: $0.index, child: $0.child) }
        }
        nodes = Self.copy(nodeInfos)
        slots = Self.copy(slotList)
        keys = Self.copy(keyList)
        keyBytes = Self.copy(bytes)
        indexes = Self.copy(indexList)
        keyTexts = texts
    }

    deinit {
        nodes.deallocate()
        slots.deallocate()
        keys.deallocate()
        keyBytes.deallocate()
        indexes.deallocate()
    }

    /// The scanner's view; the caller keeps the table alive while using it.
    var view: View {
        View(nodes: UnsafePointer(nodes.baseAddress!), nodeCount: nodes.count, slots: UnsafePointer(slots.baseAddress!),
             keys: UnsafePointer(keys.baseAddress!), keyBytes: UnsafePointer(keyBytes.baseAddress!),
             indexes: UnsafePointer(indexes.baseAddress!), table: self)
    }

    /// A heap copy of `values` with at least one element, so every base address exists.
    private static func copy<Element>(_ values: [Element]) -> UnsafeMutableBufferPointer<Element> {
        let buffer = UnsafeMutableBufferPointer<Element>.allocate(capacity: max(1, values.count))
        _ = buffer.initialize(from: values)
        return buffer
    }
}
