import CETLPlugin
import ETLArrow

/// One stream a source offers: its name and the Arrow schema of its batches.
package struct StreamSchema: Sendable, Equatable {
    package var name: String
    package var schema: ArrowSchemaDescription

    /// Reads a discover catalog (a struct schema whose children are streams) without
    /// releasing it.
    static func streams(inCatalog catalog: UnsafePointer<ArrowSchema>) throws(ArrowError) -> [StreamSchema] {
        guard let format = catalog.pointee.format, String(cString: format) == "+s" else {
            throw ArrowError("the discover catalog must be a struct schema (\"+s\") with one child per stream")
        }
        var streams: [StreamSchema] = []
        for index in 0..<Int(catalog.pointee.n_children) {
            guard let child = catalog.pointee.children?[index] else {
                throw ArrowError("discover catalog child \(index) is NULL")
            }
            let name = child.pointee.name.map { String(cString: $0) } ?? ""
            guard !name.isEmpty else { throw ArrowError("discover catalog child \(index) has no stream name") }
            do {
                streams.append(StreamSchema(name: name, schema: try ArrowSchemaDescription(importing: child)))
            } catch {
                throw ArrowError("stream \"\(name)\": \(error.message)")
            }
        }
        return streams
    }
}
