import CETLPlugin
import ETLArrow
import XCTest

/// ArrowSchemaDescription ⇄ ArrowSchema.
final class SchemaExportImportTests: XCTestCase {
    func testExportedSchemaImportsAsTheSameDescription() throws {
        var schema = everyTypeSchema
        schema.fields[1].nullable = false
        var raw = ArrowSchema()
        schema.export(to: &raw)
        defer { raw.release?(&raw) }
        XCTAssertEqual(try ArrowSchemaDescription(importing: &raw), schema)
        XCTAssertNotNil(raw.release, "importing only reads the schema; the owner still releases it")
    }

    func testExportedSchemaCarriesFormatsNamesAndNullableFlags() {
        let schema = ArrowSchemaDescription(fields: [
            ArrowField(name: "id", type: .int64, nullable: false),
            ArrowField(name: "at", type: .timestampMicrosecondsUTC),
        ])
        var raw = ArrowSchema()
        schema.export(to: &raw)
        defer { raw.release?(&raw) }
        XCTAssertEqual(String(cString: raw.format), "+s")
        XCTAssertEqual(raw.n_children, 2)
        let id = raw.children[0]!.pointee
        let at = raw.children[1]!.pointee
        XCTAssertEqual(String(cString: id.format), "l")
        XCTAssertEqual(String(cString: id.name), "id")
        XCTAssertEqual(id.flags & Int64(ARROW_FLAG_NULLABLE), 0)
        XCTAssertEqual(String(cString: at.format), "tsu:UTC")
        XCTAssertEqual(at.flags & Int64(ARROW_FLAG_NULLABLE), Int64(ARROW_FLAG_NULLABLE))
    }

    func testAJSONColumnCarriesTheArrowJSONExtensionInItsMetadata() throws {
        let schema = ArrowSchemaDescription(fields: [
            ArrowField(name: "doc", type: .utf8, extensionName: ArrowField.jsonExtension), ArrowField(name: "plain", type: .utf8),
        ])
        var raw = ArrowSchema()
        schema.export(to: &raw)
        defer { raw.release?(&raw) }
        XCTAssertNil(raw.children[1]!.pointee.metadata, "a plain column has no metadata")
        // The C Data Interface layout: int32 pair count, then int32 length + bytes for each key and value.
        let metadata = UnsafeRawPointer(raw.children[0]!.pointee.metadata!)
        func int32(_ offset: Int) -> Int32 { metadata.loadUnaligned(fromByteOffset: offset, as: Int32.self) }
        func text(_ offset: Int, _ length: Int32) -> String {
            String(decoding: UnsafeRawBufferPointer(start: metadata + offset, count: Int(length)), as: UTF8.self)
        }
        XCTAssertEqual(int32(0), 2)
        XCTAssertEqual(int32(4), 20)
        XCTAssertEqual(text(8, 20), "ARROW:extension:name")
        XCTAssertEqual(int32(28), 10)
        XCTAssertEqual(text(32, 10), "arrow.json")
        let imported = try ArrowSchemaDescription(importing: &raw)
        XCTAssertEqual(imported, schema)
        XCTAssertTrue(imported.fields[0].isJSON)
        XCTAssertFalse(imported.fields[1].isJSON)
    }

    func testChangingAColumnsTypeDropsItsExtension() {
        var field = ArrowField(name: "doc", type: .utf8, extensionName: ArrowField.jsonExtension)
        field.type = .utf8
        XCTAssertTrue(field.isJSON, "the same type keeps the extension")
        field.type = .int64
        XCTAssertNil(field.extensionName)
    }

    func testChildMovedOutSurvivesReleaseOfTheRoot() {
        let schema = ArrowSchemaDescription(fields: [ArrowField(name: "city", type: .utf8)])
        var raw = ArrowSchema()
        schema.export(to: &raw)
        // Move the child out (copy, mark the source released), then release the root.
        var child = raw.children[0]!.pointee
        raw.children[0]!.pointee.release = nil
        raw.release?(&raw)
        XCTAssertNil(raw.release)
        XCTAssertEqual(String(cString: child.name), "city")
        XCTAssertEqual(String(cString: child.format), "u")
        child.release?(&child)
        XCTAssertNil(child.release)
    }

    func testUnsupportedFormatNamesTheColumnAndFormat() {
        let schema = ArrowSchemaDescription(fields: [
            ArrowField(name: "id", type: .int64),
            ArrowField(name: "comment", type: .utf8),
        ])
        var raw = ArrowSchema()
        schema.export(to: &raw)
        defer { raw.release?(&raw) }
        let original = raw.children[1]!.pointee.format
        let largeUTF8: StaticString = "U"
        raw.children[1]!.pointee.format = UnsafeRawPointer(largeUTF8.utf8Start).assumingMemoryBound(to: CChar.self)
        defer { raw.children[1]!.pointee.format = original }
        XCTAssertThrowsError(try ArrowSchemaDescription(importing: &raw)) { error in
            let arrowError = error as! ArrowError
            XCTAssertEqual(arrowError.kind, .unsupported)
            XCTAssertTrue(arrowError.message.contains("column 1 (\"comment\") has Arrow format \"U\""), arrowError.message)
            XCTAssertTrue(arrowError.message.contains("cast it to utf8"), arrowError.message)
        }
    }

    func testNonStructRootIsRefused() {
        var raw = ArrowSchema()
        ArrowSchemaDescription(fields: []).export(to: &raw)
        defer { raw.release?(&raw) }
        let original = raw.format
        let int64: StaticString = "l"
        raw.format = UnsafeRawPointer(int64.utf8Start).assumingMemoryBound(to: CChar.self)
        defer { raw.format = original }
        XCTAssertThrowsError(try ArrowSchemaDescription(importing: &raw)) { error in
            XCTAssertTrue("\(error)".contains("a batch must be a struct (\"+s\")"), "\(error)")
        }
    }

    func testSchemaWithoutColumnsRoundTrips() throws {
        var raw = ArrowSchema()
        ArrowSchemaDescription(fields: []).export(to: &raw)
        defer { raw.release?(&raw) }
        XCTAssertEqual(try ArrowSchemaDescription(importing: &raw).fields, [])
    }
}
