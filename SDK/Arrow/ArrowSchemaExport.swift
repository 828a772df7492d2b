#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CETLPlugin

extension ArrowSchemaDescription {
    /// Fills `out` with a struct schema (`"+s"`, unnamed, not nullable) whose children
    /// are the columns, each with its name, format and `ARROW_FLAG_NULLABLE` when
    /// nullable. `out` is overwritten, not released: pass an empty or released struct.
    /// The receiver calls `out.pointee.release` exactly once, which frees everything.
    ///
    /// Memory: one block for the root (children pointers, child structs, root
    /// strings) and one block per child for its strings, so a consumer may move a
    /// child out and release the root first, as the spec allows.
    public func export(to out: UnsafeMutablePointer<ArrowSchema>) {
        let count = fields.count
        let pointersSize = MemoryLayout<UnsafeMutablePointer<ArrowSchema>?>.stride * count
        let structsOffset = pointersSize
        let stringsOffset = structsOffset + MemoryLayout<ArrowSchema>.stride * count
        let block = ArrowBuffer.allocate(byteCount: stringsOffset + 4)  // "+s\0" and "\0"
        let children = block.bindMemory(to: UnsafeMutablePointer<ArrowSchema>?.self, capacity: count)
        let childStructs = (block + structsOffset).bindMemory(to: ArrowSchema.self, capacity: count)
        let (rootFormat, afterFormat) = CStringCopy.write("+s", to: block + stringsOffset)
        let (rootName, _) = CStringCopy.write("", to: afterFormat)

        for (index, field) in fields.enumerated() {
            let strings = ArrowBuffer.allocate(
                byteCount: CStringCopy.byteCount(of: field.type.rawValue) + CStringCopy.byteCount(of: field.name))
            let (format, afterChildFormat) = CStringCopy.write(field.type.rawValue, to: strings)
            let (name, _) = CStringCopy.write(field.name, to: afterChildFormat)
            // The metadata block, when there is one, is freed with the strings (releaseExportedChildSchema).
            let metadata = field.extensionName.map { UnsafePointer(ArrowFieldMetadata.encodeExtension($0).assumingMemoryBound(to: CChar.self)) }
            (childStructs + index).initialize(to: ArrowSchema(
                format: format, name: name, metadata: metadata,
                flags: field.nullable ? Int64(ARROW_FLAG_NULLABLE) : 0,
                n_children: 0, children: nil, dictionary: nil,
                release: releaseExportedChildSchema, private_data: strings))
            children[index] = childStructs + index
        }
        out.initialize(to: ArrowSchema(
            format: rootFormat, name: rootName, metadata: nil, flags: 0,
            n_children: Int64(count), children: count > 0 ? children : nil, dictionary: nil,
            release: releaseExportedRootSchema, private_data: block))
    }
}

/// Release callback of an exported column schema: frees its strings and its metadata.
private func releaseExportedChildSchema(_ schema: UnsafeMutablePointer<ArrowSchema>?) {
    guard let schema, schema.pointee.release != nil else { return }
    free(schema.pointee.private_data)
    free(UnsafeMutableRawPointer(mutating: schema.pointee.metadata))
    schema.pointee.release = nil
}

/// Release callback of an exported batch schema: releases the children not moved
/// out, then frees the root block.
private func releaseExportedRootSchema(_ schema: UnsafeMutablePointer<ArrowSchema>?) {
    guard let schema, schema.pointee.release != nil else { return }
    if let children = schema.pointee.children {
        for index in 0..<Int(schema.pointee.n_children) {
            if let child = children[index], let release = child.pointee.release { release(child) }
        }
    }
    free(schema.pointee.private_data)
    schema.pointee.release = nil
}
