import ETLRuntimeCore
import XCTest

/// The error a plugin call raised, as PluginCallError; a test failure (at the caller's line) when
/// the call succeeded or threw anything else.
package func callError(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) -> PluginCallError? {
    do {
        try body()
        XCTFail("expected the call to fail", file: file, line: line)
        return nil
    } catch let error as PluginCallError {
        return error
    } catch {
        XCTFail("unexpected error \(error)", file: file, line: line)
        return nil
    }
}
