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
