import ETLRuntimeCore
import XCTest

/// The one exit code of a run, most serious first: signal (128 + n) > 78 configuration invalid >
/// 1 entry failed > 75 entry locked by another run > 0.
final class RunOutcomeTests: XCTestCase {
    private func result(_ status: EntryRunResult.Status, configurationInvalid: Bool = false) -> EntryRunResult {
        var result = EntryRunResult(entryID: "e", runID: "r", status: status)
        result.configurationInvalid = configurationInvalid
        return result
    }

    func testEveryEntryOkIsSuccess() {
        XCTAssertEqual(RunOutcome.exitCode(results: [result(.ok), result(.ok)], lockedEntries: [], signal: nil), 0)
        XCTAssertEqual(RunOutcome.exitCode(results: [], lockedEntries: [], signal: nil), 0)
    }

    func testAnEntryRunningOnAnotherHostIsNoFailure() {
        XCTAssertEqual(RunOutcome.exitCode(results: [result(.ok), result(.elsewhere)], lockedEntries: [], signal: nil), 0)
        XCTAssertEqual(RunOutcome.exitCode(results: [result(.elsewhere), result(.failed)], lockedEntries: [], signal: nil), 1)
    }

    func testASignalWinsWhateverTheEntriesDid() {
        let all = [result(.ok), result(.failed, configurationInvalid: true), result(.cancelled)]
        XCTAssertEqual(RunOutcome.exitCode(results: all, lockedEntries: ["x"], signal: SIGTERM), 143)
        XCTAssertEqual(RunOutcome.exitCode(results: [result(.ok)], lockedEntries: [], signal: SIGINT), 130)
        XCTAssertEqual(RunOutcome.exitCode(results: [], lockedEntries: [], signal: SIGTERM), 143)
    }

    func testAnInvalidConfigurationOutranksOtherFailuresAndLocks() {
        let all = [result(.failed), result(.failed, configurationInvalid: true), result(.ok)]
        XCTAssertEqual(RunOutcome.exitCode(results: all, lockedEntries: ["x"], signal: nil), 78)
    }

    func testAFailedEntryOutranksALockedOne() {
        XCTAssertEqual(RunOutcome.exitCode(results: [result(.ok), result(.failed)], lockedEntries: ["x"], signal: nil), 1)
    }

    func testAnEntryStoppedShortWithoutASignalCountsAsFailed() {
        XCTAssertEqual(RunOutcome.exitCode(results: [result(.cancelled)], lockedEntries: ["x"], signal: nil), 1)
    }

    func testALockedEntryWithEverythingElseOkIs75() {
        XCTAssertEqual(RunOutcome.exitCode(results: [result(.ok)], lockedEntries: ["x"], signal: nil), 75)
        XCTAssertEqual(RunOutcome.exitCode(results: [], lockedEntries: ["x", "y"], signal: nil), 75)
    }
}
