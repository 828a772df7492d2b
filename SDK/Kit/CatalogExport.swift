import CETLPlugin
import ETLArrow
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Exports what `ETLSource.discover` returned as the catalog `discover` hands the host: a struct
/// schema ("+s") with one child per stream, each a struct schema named after the stream whose
/// children are the stream's columns.
///
/// Each stream node wraps the batch schema `ArrowSchemaDescription.export` produces (which
/// already handles column ownership) and adds the stream's name; every node has its own release,
/// so a consumer may move a stream out of the catalog as the C Data Interface allows.
enum CatalogExport {
    /// Fills `out` (overwritten, not released); the receiver calls `out.pointee.release` once.
    static func export(_ streams: [StreamDescription], to out: UnsafeMutablePointer<ArrowSchema>) {
        let nodes = UnsafeMutablePointer<UnsafeMutablePointer<ArrowSchema>?>.allocate(capacity: max(streams.count, 1))
        for (index, stream) in streams.enumerated() {
            let node = UnsafeMutablePointer<ArrowSchema>.allocate(capacity: 1)
            exportStream(stream, to: node)
            nodes[index] = node
        }
        let root = NodeStorage(name: "", columns: nil, streamNodes: nodes, streamCount: streams.count)
        out.initialize(to: ArrowSchema(
            format: root.format, name: root.name, metadata: nil, flags: 0,
            n_children: Int64(streams.count), children: streams.isEmpty ? nil : nodes, dictionary: nil,
            release: releaseCatalogNode, private_data: Unmanaged.passRetained(root).toOpaque()))
    }

    private static func exportStream(_ stream: StreamDescription, to out: UnsafeMutablePointer<ArrowSchema>) {
        let columns = UnsafeMutablePointer<ArrowSchema>.allocate(capacity: 1)
        stream.schema.export(to: columns)
        let storage = NodeStorage(name: stream.name, columns: columns, streamNodes: nil, streamCount: 0)
        out.initialize(to: ArrowSchema(
            format: storage.format, name: storage.name, metadata: nil, flags: 0,
            n_children: columns.pointee.n_children, children: columns.pointee.children, dictionary: nil,
            release: releaseCatalogNode, private_data: Unmanaged.passRetained(storage).toOpaque()))
    }
}

/// What a catalog node's `private_data` owns: its strings, and either the wrapped column schema
/// (a stream node) or the stream nodes (the root).
private final class NodeStorage {
    let format: UnsafePointer<CChar>
    let name: UnsafePointer<CChar>
    let columns: UnsafeMutablePointer<ArrowSchema>?
    let streamNodes: UnsafeMutablePointer<UnsafeMutablePointer<ArrowSchema>?>?
    let streamCount: Int

    init(name: String, columns: UnsafeMutablePointer<ArrowSchema>?,
         streamNodes: UnsafeMutablePointer<UnsafeMutablePointer<ArrowSchema>?>?, streamCount: Int) {
        self.format = UnsafePointer(strdup("+s")!)
        self.name = UnsafePointer(strdup(name)!)
        self.columns = columns
        self.streamNodes = streamNodes
        self.streamCount = streamCount
    }

    deinit {
        // Stream nodes the consumer moved out have release == NULL and are its to release; the
        // struct memory itself always belongs to the root.
        if let streamNodes {
            for index in 0..<streamCount {
                guard let node = streamNodes[index] else { continue }
                node.pointee.release?(node)
                node.deallocate()
            }
            streamNodes.deallocate()
        }
        if let columns {
            columns.pointee.release?(columns)
            columns.deallocate()
        }
        free(UnsafeMutablePointer(mutating: format))
        free(UnsafeMutablePointer(mutating: name))
    }
}

private func releaseCatalogNode(_ schema: UnsafeMutablePointer<ArrowSchema>?) {
    guard let schema, schema.pointee.release != nil else { return }
    if let storage = schema.pointee.private_data {
        Unmanaged<NodeStorage>.fromOpaque(storage).release()
    }
    schema.pointee.private_data = nil
    schema.pointee.release = nil
}
