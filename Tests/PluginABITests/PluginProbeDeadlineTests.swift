import Foundation
import TestSupport
import XCTest

@testable import ETLRuntimeCore

/// A probe gives each library a deadline to return from `etl_plugin_entry`; one that does not
/// is killed with its probe process and listed as not loadable, and the libraries after it
/// are probed in a new process.
final class PluginProbeDeadlineTests: XCTestCase {
    func testALibraryThatNeverReturnsIsKilledAtTheDeadlineAndTheOthersAreStillProbed() throws {
        let fixtures = FixturePlugins()
        let before = try fixtures.build("duplicate_name", as: "a_before", defines: [#"DUPLICATE_NAME="before_hang""#])
        let hang = try fixtures.build("hang_on_load", as: "hang")
        let after = try fixtures.build("tiny_source")
        let answers = PluginProber.probeEachInChildren(
            [before, hang, after], executable: TestPaths.runtimeExecutable, deadline: PluginProbeDeadline(seconds: 1))
        XCTAssertEqual(answers.count, 3)
        XCTAssertEqual(try answers[0].result.get().map(\.name), ["before_hang"])
        XCTAssertEqual(try answers[2].result.get().map(\.name), ["tiny"])
        guard case .failure(let failure) = answers[1].result else { return XCTFail("the hanging library must not load") }
        XCTAssertEqual(failure.libraryPath, hang)
        XCTAssertEqual(
            failure.reason,
            "did not return from etl_plugin_entry within 1 s (the probe process was killed); an entry function must only hand "
                + "back its descriptors — fix or remove the library, or allow longer with ETL_PROBE_TIMEOUT_SECONDS")
        guard case .timedOut(let deadline) = answers[1].keep else { return XCTFail("a hang is remembered with its deadline") }
        XCTAssertEqual(deadline.seconds, 1)
        XCTAssertEqual(Self.probeProcesses(loading: hang), [], "the probe process that hung is gone")
    }

    func testTheDeadlineIsFiveSecondsUnlessTheEnvironmentSetsIt() {
        XCTAssertEqual(PluginProbeDeadline(environment: [:]).seconds, 5)
        XCTAssertNil(PluginProbeDeadline(environment: [:]).problem)
        XCTAssertEqual(PluginProbeDeadline(environment: ["ETL_PROBE_TIMEOUT_SECONDS": "0.5"]).seconds, 0.5)
        XCTAssertEqual(PluginProbeDeadline(environment: ["ETL_PROBE_TIMEOUT_SECONDS": "30"]).description, "30 s")
    }

    func testAnUnusableDeadlineIsReportedAndTheDefaultUsed() {
        for text in ["abc", "0", "-1", "", "7200"] {
            let deadline = PluginProbeDeadline(environment: ["ETL_PROBE_TIMEOUT_SECONDS": text])
            XCTAssertEqual(deadline.seconds, 5, text)
            XCTAssertEqual(
                deadline.problem,
                "ETL_PROBE_TIMEOUT_SECONDS=\"\(text)\" is not a number of seconds above 0 and at most 3600 s; probing with the default of 5 s")
        }
    }

    func testAHangIsRememberedForTheSameOrAShorterDeadlineOnly() throws {
        let fixtures = FixturePlugins()
        let hang = try fixtures.build("hang_on_load", as: "hang")
        var writer = PluginProbeCache(environment: ["ETL_PLUGIN_PROBE_CACHE": fixtures.folder.file("cache")])
        let reason = PluginProber.hangDescription(PluginProbeDeadline(seconds: 2))
        writer.store(hang, PluginProber.Answer(
            result: .failure(PluginLoadFailure(libraryPath: hang, reason: reason)), keep: .timedOut(PluginProbeDeadline(seconds: 2))))
        writer.save()
        let reader = PluginProbeCache(environment: ["ETL_PLUGIN_PROBE_CACHE": fixtures.folder.file("cache")])
        for seconds in [1.0, 2.0] {
            guard case .failure(let failure) = reader.lookup(hang, deadline: PluginProbeDeadline(seconds: seconds)) else {
                return XCTFail("a hang within \(seconds) s is known")
            }
            XCTAssertEqual(failure.reason, reason + " (remembered from an earlier probe; touch the file to probe it again)")
        }
        XCTAssertNil(reader.lookup(hang, deadline: PluginProbeDeadline(seconds: 5)), "a longer deadline probes again")
    }

    func testAProbeThatCouldNotRunIsNotRemembered() throws {
        let fixtures = FixturePlugins()
        let tiny = try fixtures.build("tiny_source")
        let answers = PluginProber.probeEachInChildren(
            [tiny], executable: fixtures.folder.file("no-such-executable"), deadline: PluginProbeDeadline(seconds: 1))
        guard case .failure(let failure) = answers.first?.result, case .never = answers.first?.keep else {
            return XCTFail("a probe that did not run says so and is asked again next time")
        }
        XCTAssertTrue(failure.reason.hasPrefix("could not start the probe process: "), failure.reason)
    }

    /// Probe processes whose command line names `library` (zombies have none).
    static func probeProcesses(loading library: String) -> [pid_t] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { entry in
            guard entry.allSatisfy(\.isNumber), let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else {
                return nil
            }
            let arguments = String(decoding: data, as: UTF8.self).split(separator: "\u{0}").map(String.init)
            return arguments.contains(PluginProber.childCommand) && arguments.contains(library) ? pid_t(entry) : nil
        }
    }
}
