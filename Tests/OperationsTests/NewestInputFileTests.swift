import ETLRuntimeCore
import Foundation
import TestSupport
import XCTest

/// Where `freshness.newest_file` finds file times: a stat of a glob, and the modification times
/// the csv source keeps in its resume state for objects in a store.
final class NewestInputFileTests: XCTestCase {
    private let rule = NewestFileRule(thresholds: FreshnessThresholds(warnAfter: nil, errorAfter: ISO8601Duration(seconds: 86_400)), path: nil)

    private func setModified(_ path: String, secondsAgo: Double) {
        let time = Date().timeIntervalSince1970 - secondsAgo
        var times = [timespec(tv_sec: Int(time), tv_nsec: 0), timespec(tv_sec: Int(time), tv_nsec: 0)]
        XCTAssertEqual(utimensat(AT_FDCWD, path, &times, 0), 0)
    }

    func testTheNewestFileOfTheSourceGlobWins() throws {
        let folder = TemporaryDirectory("newest-file")
        let old = try folder.write("drop/a.csv", "x\n")
        let new = try folder.write("drop/b.csv", "x\n")
        try folder.write("drop/notes.txt", "not matched\n")
        setModified(old, secondsAgo: 3 * 86_400)
        setModified(new, secondsAgo: 2 * 3_600)
        let found = try XCTUnwrap(NewestInputFile.find(
            rule: rule, sourceConfig: ["path": "drop/*.csv"], resumeState: nil, manifestDirectory: folder.path))
        XCTAssertEqual(found.path, new)
        XCTAssertEqual(Date().timeIntervalSince1970 - found.modified, 7_200, accuracy: 5)
    }

    func testTheRulesOwnPathReplacesTheSourcesAndNothingFoundIsNil() throws {
        let folder = TemporaryDirectory("newest-file")
        try folder.write("in/a.csv", "x\n")
        let own = NewestFileRule(thresholds: rule.thresholds, path: folder.file("elsewhere/*.csv"))
        XCTAssertNil(NewestInputFile.find(rule: own, sourceConfig: ["path": "in/*.csv"], resumeState: nil, manifestDirectory: folder.path))
    }

    func testObjectsInAStoreAreJudgedByTheTimesTheResumeStateRecorded() throws {
        // As the csv source's incremental read of s3://bucket/in/*.csv leaves it (CSVFileState).
        let state = #"{"files":[{"path":"s3://bucket/in/a.csv","offset":10,"line":3,"size":10,"inode":0,"done":false,"fingerprint":"f","etag":"\"e1\"","modified":1767225600},{"path":"s3://bucket/in/b.csv","offset":10,"line":3,"size":10,"inode":0,"done":false,"fingerprint":"f","etag":"\"e2\"","modified":1767312000.5}]}"#
        let found = try XCTUnwrap(NewestInputFile.find(
            rule: rule, sourceConfig: ["path": "s3://bucket/in/*.csv"], resumeState: state, manifestDirectory: "/"))
        XCTAssertEqual(found.path, "s3://bucket/in/b.csv")
        XCTAssertEqual(found.modified, 1_767_312_000.5)
    }

    func testLevelsAndAges() {
        let limits = FreshnessThresholds(warnAfter: ISO8601Duration(seconds: 3_600), errorAfter: ISO8601Duration(seconds: 86_400))
        XCTAssertEqual(limits.level(ageSeconds: 3_600), .ok, "at the limit is still within it")
        XCTAssertEqual(limits.level(ageSeconds: 3_601), .warn)
        XCTAssertEqual(limits.level(ageSeconds: 86_401), .error)
        XCTAssertEqual(EntryFreshness.age(93_784), "1d2h")
        XCTAssertEqual(EntryFreshness.age(7_980), "2h13m")
        XCTAssertEqual(EntryFreshness.age(12), "12s")
    }

    func testStoredTimestampsReadBackAsEpochSeconds() throws {
        XCTAssertEqual(Timestamp.epochSeconds("2026-01-01T00:00:00.125Z"), 1_767_225_600.125)
        XCTAssertEqual(Timestamp.epochSeconds("2026-01-01T00:00:00Z"), 1_767_225_600)
        XCTAssertNil(Timestamp.epochSeconds("yesterday"))
        XCTAssertEqual(Timestamp.text(epochSeconds: 1_767_225_600.125), "2026-01-01T00:00:00.125Z")
        let now = Timestamp.now()
        XCTAssertEqual(try XCTUnwrap(Timestamp.epochSeconds(now)), Date().timeIntervalSince1970, accuracy: 2)
    }
}
