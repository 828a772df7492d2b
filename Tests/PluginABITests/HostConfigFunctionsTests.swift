import CETLPlugin
import CETLPluginLayout
import ETLRuntimeCore
import Glibc
import XCTest

/// The ABI 1.1 config readers of the host table (config_get_* and free_string), called through
/// the C function pointers a plugin gets, as a plugin calls them.
final class HostConfigFunctionsTests: XCTestCase {
    private let host = HostAPI.table.pointee

    /// A failed call's status and message.
    private struct Failure: Error, Equatable {
        var status: etl_status
        var message: String
    }

    private func call(_ body: (UnsafeMutablePointer<etl_error>) -> etl_status) -> Failure? {
        var error = etl_error()
        error.struct_size = UInt32(MemoryLayout<etl_error>.size)
        let status = body(&error)
        guard status != ETL_OK else { return nil }
        let message = withUnsafeBytes(of: &error.message) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
        XCTAssertEqual(error.code, status, "the error's code matches the returned status")
        return Failure(status: status, message: message)
    }

    /// `config_get_string`, returning the copied string (freed with free_string) or the failure.
    private func string(_ json: String, _ path: String, default initial: String? = nil) -> Result<String?, Failure> {
        var value: UnsafeMutablePointer<CChar>? = initial.map { strdup($0)! }
        let initialAddress = value
        if let failure = call({ error in host.config_get_string(json, path, &value, error) }) {
            if let value { free(value) }
            return .failure(failure)
        }
        defer {
            if value != initialAddress { host.free_string(value) }
            if let initialAddress { free(initialAddress) }
        }
        return .success(value.map { String(cString: $0) })
    }

    private func int64(_ json: String, _ path: String, default initial: Int64 = -1) -> Result<Int64, Failure> {
        var value = initial
        if let failure = call({ host.config_get_int64(json, path, &value, $0) }) { return .failure(failure) }
        return .success(value)
    }

    private func double(_ json: String, _ path: String, default initial: Double = -1) -> Result<Double, Failure> {
        var value = initial
        if let failure = call({ host.config_get_double(json, path, &value, $0) }) { return .failure(failure) }
        return .success(value)
    }

    private func bool(_ json: String, _ path: String, default initial: Int32 = -1) -> Result<Int32, Failure> {
        var value = initial
        if let failure = call({ host.config_get_bool(json, path, &value, $0) }) { return .failure(failure) }
        return .success(value)
    }

    private func length(_ json: String, _ path: String, default initial: Int64 = -1) -> Result<Int64, Failure> {
        var value = initial
        if let failure = call({ host.config_get_length(json, path, &value, $0) }) { return .failure(failure) }
        return .success(value)
    }

    private func kind(_ json: String, _ path: String) -> Result<etl_json_kind, Failure> {
        var value: etl_json_kind = -1
        if let failure = call({ host.config_get_kind(json, path, &value, $0) }) { return .failure(failure) }
        return .success(value)
    }

    func testTheHostTableOfABI11OffersEveryConfigReader() {
        XCTAssertEqual(host.abi_minor, UInt16(ETL_PLUGIN_ABI_MINOR))
        // 1.2 added nothing to the table; 1.3 appended report_progress after the readers.
        XCTAssertEqual(host.struct_size, etl_layout_host_api_size_1_3)
        XCTAssertGreaterThan(host.struct_size, etl_layout_host_api_size_1_1)
        XCTAssertNotNil(host.report_progress)
        XCTAssertNotNil(host.config_get_string)
        XCTAssertNotNil(host.config_get_int64)
        XCTAssertNotNil(host.config_get_double)
        XCTAssertNotNil(host.config_get_bool)
        XCTAssertNotNil(host.config_get_length)
        XCTAssertNotNil(host.config_get_kind)
        XCTAssertNotNil(host.free_string)
    }

    func testAStringIsCopiedFromADottedPath() throws {
        let json = #"{"path": "/data/in.csv", "auth": {"token_env": "CRM_TOKEN"}}"#
        XCTAssertEqual(try string(json, "path").get(), "/data/in.csv")
        XCTAssertEqual(try string(json, "auth.token_env").get(), "CRM_TOKEN")
        XCTAssertEqual(try string(json, "$.auth.token_env").get(), "CRM_TOKEN")
    }

    func testAnAbsentOrNullValueLeavesTheDefaultAndReturnsOK() throws {
        XCTAssertEqual(try int64(#"{"seed": 3}"#, "rows", default: 100).get(), 100)
        XCTAssertEqual(try int64(#"{"rows": null}"#, "rows", default: 100).get(), 100)
        XCTAssertEqual(try int64(#"{"auth": null}"#, "auth.retries", default: 5).get(), 5)
        XCTAssertEqual(try string(#"{}"#, "stream", default: "lines").get(), "lines")
        XCTAssertEqual(try string(#"{}"#, "stream").get(), nil)
        XCTAssertEqual(try bool(#"{"columns": [1]}"#, "columns[4]", default: 1).get(), 1)
        XCTAssertEqual(try length(#"{}"#, "columns", default: 0).get(), 0)
    }

    func testArrayElementsAreReachedByIndexAndCountedByLength() throws {
        let json = #"{"columns": [{"name": "id"}, {"name": "age", "nullable": true}], "auth": {"a": 1, "b": 2, "c": 3}}"#
        XCTAssertEqual(try length(json, "columns").get(), 2)
        XCTAssertEqual(try string(json, "columns[1].name").get(), "age")
        XCTAssertEqual(try bool(json, "columns[1].nullable").get(), 1)
        XCTAssertEqual(try length(json, "auth").get(), 3, "an object's length is its member count")
        XCTAssertEqual(try length(#"[[1, 2], []]"#, "[0]").get(), 2, "a document may be an array")
    }

    func testKindTellsAnAbsentValueFromAPresentOneOfEachType() throws {
        let json = #"{"b": false, "n": 0, "s": "", "a": [], "o": {}, "z": null}"#
        XCTAssertEqual(try kind(json, "b").get(), ETL_JSON_BOOL)
        XCTAssertEqual(try kind(json, "n").get(), ETL_JSON_NUMBER)
        XCTAssertEqual(try kind(json, "s").get(), ETL_JSON_STRING)
        XCTAssertEqual(try kind(json, "a").get(), ETL_JSON_ARRAY)
        XCTAssertEqual(try kind(json, "o").get(), ETL_JSON_OBJECT)
        XCTAssertEqual(try kind(json, "z").get(), ETL_JSON_ABSENT, "null counts as absent, as for every reader")
        XCTAssertEqual(try kind(json, "missing").get(), ETL_JSON_ABSENT, "set even when absent")
        XCTAssertEqual(try kind(json, "a[0]").get(), ETL_JSON_ABSENT)
        XCTAssertEqual(kind(json, "s.x"), .failure(Failure(status: ETL_INVALID_CONFIG, message: "$.s: expected an object (to read \"x\"), found a string")))
    }

    func testTheWholeDocumentIsReadWithAnEmptyPath() throws {
        XCTAssertEqual(try int64("42", "").get(), 42, "e.g. etl_read_request.initial_value")
        XCTAssertEqual(try string(#""2024-01-01""#, "$").get(), "2024-01-01")
    }

    func testAQuotedKeyReachesAMemberWhoseNameHoldsADot() throws {
        let json = #"{"a.b": {"c": "dotted"}, "a": {"b": {"c": "nested"}}}"#
        XCTAssertEqual(try string(json, #"["a.b"].c"#).get(), "dotted")
        XCTAssertEqual(try string(json, #"$["a.b"].c"#).get(), "dotted")
        XCTAssertEqual(try string(json, "a.b.c").get(), "nested")
    }

    func testNumbersConvertExactlyOrAreRefused() throws {
        XCTAssertEqual(try int64(#"{"n": 2.0}"#, "n").get(), 2)
        XCTAssertEqual(try int64(#"{"n": -9223372036854775808}"#, "n").get(), Int64.min)
        XCTAssertEqual(try double(#"{"x": 2.5}"#, "x").get(), 2.5)
        XCTAssertEqual(try double(#"{"x": 7}"#, "x").get(), 7)

        let fraction = int64(#"{"n": 2.5}"#, "n")
        XCTAssertEqual(fraction, .failure(Failure(status: ETL_INVALID_CONFIG, message: "$.n: expected an integer, found a number with a fraction")))
        let huge = int64(#"{"n": 9223372036854775808}"#, "n")
        XCTAssertEqual(huge, .failure(Failure(status: ETL_INVALID_CONFIG, message: "$.n: expected an integer from -9223372036854775808 to 9223372036854775807, found one outside that range")))
        let infinite = double(#"{"x": 1e400}"#, "x")
        XCTAssertEqual(infinite, .failure(Failure(status: ETL_INVALID_CONFIG, message: "$.x: expected a number within the range of a double, found one outside it")))
    }

    func testAValueOfAnotherTypeIsInvalidConfigNamingThePathButNotTheValue() {
        let json = #"{"rows": "s3cr3t-token", "columns": [{"name": 7}]}"#
        guard case .failure(let failure) = int64(json, "rows") else { return XCTFail("a string is not an integer") }
        XCTAssertEqual(failure, Failure(status: ETL_INVALID_CONFIG, message: "$.rows: expected an integer, found a string"))
        XCTAssertFalse(failure.message.contains("s3cr3t"), "a config value may be a secret")
        XCTAssertEqual(
            string(json, "columns[0].name"),
            .failure(Failure(status: ETL_INVALID_CONFIG, message: "$.columns[0].name: expected a string, found a number")))
        XCTAssertEqual(
            bool(json, "rows"), .failure(Failure(status: ETL_INVALID_CONFIG, message: "$.rows: expected true or false, found a string")))
        XCTAssertEqual(
            length(json, "rows"),
            .failure(Failure(status: ETL_INVALID_CONFIG, message: "$.rows: expected an array or an object, found a string")))
        XCTAssertEqual(
            string(json, "rows.inner"),
            .failure(Failure(status: ETL_INVALID_CONFIG, message: "$.rows: expected an object (to read \"inner\"), found a string")))
        XCTAssertEqual(
            string(json, "columns.name"),
            .failure(Failure(status: ETL_INVALID_CONFIG, message: "$.columns: expected an object (to read \"name\"), found an array")))
    }

    func testAStringHoldingNULIsRefusedRatherThanCutShort() {
        XCTAssertEqual(
            string(#"{"path": "a\u0000b"}"#, "path"),
            .failure(Failure(status: ETL_INVALID_CONFIG, message: "$.path: the string holds a NUL character (\\u0000), which C strings cannot carry")))
    }

    func testTextThatIsNotJSONIsInvalidConfigWithItsPosition() {
        XCTAssertEqual(
            int64(#"{"rows": 1,}"#, "rows"),
            .failure(Failure(status: ETL_INVALID_CONFIG, message: "the JSON text is not valid: line 1, column 11: trailing comma is not allowed")))
    }

    func testAMalformedPathOrANullArgumentIsAnInternalError() {
        for path in ["a[", "a..b", "a.", "[x]", "a]", "[-1]", "$x", #"["unterminated]"#] {
            guard case .failure(let failure) = int64(#"{"a": 1}"#, path) else {
                XCTFail("path \(path) must be refused")
                continue
            }
            XCTAssertEqual(failure.status, ETL_INTERNAL, path)
            XCTAssertTrue(failure.message.hasPrefix("path \"\(path)\" is not valid: "), failure.message)
        }
        var value: Int64 = 0
        XCTAssertEqual(call { host.config_get_int64(nil, "a", &value, $0) }?.status, ETL_INTERNAL)
        XCTAssertEqual(call { host.config_get_int64("{}", nil, &value, $0) }?.status, ETL_INTERNAL)
        XCTAssertEqual(call { host.config_get_int64("{}", "a", nil, $0) }?.status, ETL_INTERNAL)
        host.free_string(nil)
    }
}
