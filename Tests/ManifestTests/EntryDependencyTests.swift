import ETLRuntimeCore
import XCTest

/// `depends_on`: what `validate` (and every command that loads the manifest) refuses, and the
/// order and selection `run` derives from it.
final class EntryDependencyTests: XCTestCase {
    /// An entry of the test manifest with `id` and the given `depends_on` (JSON text, or none).
    private func entry(_ id: String, _ dependsOn: String? = nil, active: Bool = true) -> String {
        #""id": "\#(id)", "source": "crm", "stream": "\#(id)", "sink": "warehouse", "target": "\#(id)", "mode": "full""#
            + (active ? "" : #", "active": false"#) + (dependsOn.map { #", "depends_on": \#($0)"# } ?? "")
    }

    private func load(_ entries: [String]) throws -> (issues: [String], manifest: Manifest?) {
        let workspace = try ManifestWorkspace()
        let result = try workspace.load(manifest(entries: entries))
        return (workspace.rendered(result), result.manifest)
    }

    func testDependsOnReachesTheEntry() throws {
        let loaded = try load([entry("stage"), entry("dim", #"["stage"]"#)])
        XCTAssertEqual(loaded.issues, [])
        XCTAssertEqual(loaded.manifest?.entry(id: "dim")?.dependsOn, ["stage"])
        XCTAssertEqual(loaded.manifest?.entry(id: "stage")?.dependsOn, [])
    }

    func testAnUnknownIdIsRefusedWithASuggestionAndTheEntries() throws {
        XCTAssertEqual(try load([entry("stage_tasks"), entry("dim", #"["stage_task"]"#)]).issues, [
            #"plugins.json:7: $.control_table[1].depends_on[0]: no entry with id "stage_task" in the control table; did you mean "stage_tasks"? (entries: "stage_tasks", "dim")"#,
        ])
    }

    func testATwoEntryCycleIsSpelledOut() throws {
        XCTAssertEqual(try load([entry("a", #"["b"]"#), entry("b", #"["a"]"#)]).issues, [
            "plugins.json:6: $.control_table[0].depends_on[0]: depends_on forms a cycle: a → b → a (each entry runs after the next one), "
                + "so none of them could ever start; remove one of these dependencies",
        ])
    }

    func testALongerCycleIsReportedOnceFromItsFirstEntry() throws {
        let issues = try load([entry("x"), entry("a", #"["x", "c"]"#), entry("b", #"["a"]"#), entry("c", #"["b"]"#)]).issues
        XCTAssertEqual(issues, [
            "plugins.json:7: $.control_table[1].depends_on[1]: depends_on forms a cycle: a → c → b → a (each entry runs after the next one), "
                + "so none of them could ever start; remove one of these dependencies",
        ])
    }

    func testAnEntryThatDependsOnItselfIsACycle() throws {
        XCTAssertEqual(try load([entry("a", #"["a"]"#)]).issues, [
            "plugins.json:6: $.control_table[0].depends_on[0]: depends_on forms a cycle: a → a (each entry runs after the next one), "
                + "so none of them could ever start; remove one of these dependencies",
        ])
    }

    func testWrongShapesSayWhatWasExpected() throws {
        XCTAssertEqual(try load([entry("a"), entry("b", #""a""#), entry("c", #"["a", "a", 3, "no spaces"]"#)]).issues, [
            #"plugins.json:7: $.control_table[1].depends_on: expected an array of entry ids, such as ["stage_tasks"], got "a""#,
            #"plugins.json:8: $.control_table[2].depends_on[1]: "a" is listed twice; list each upstream entry once"#,
            "plugins.json:8: $.control_table[2].depends_on[2]: expected a non-empty string, got 3",
            #"plugins.json:8: $.control_table[2].depends_on[3]: expected the id of another entry (letters, digits, "_", "." and "-"), got "no spaces""#,
        ])
    }

    func testAnInactiveUpstreamIsAllowed() throws {
        XCTAssertEqual(try load([entry("stage", active: false), entry("dim", #"["stage"]"#)]).issues, [])
    }

    // MARK: order and selection

    /// dim depends on two stages written after it; report depends on dim; other is independent.
    private let layered: [(id: String, dependsOn: [String])] = [
        ("report", ["dim"]), ("dim", ["stage_tasks", "stage_deals"]), ("stage_tasks", []), ("other", []), ("stage_deals", []),
    ]

    func testRunOrderPutsUpstreamsFirstAndKeepsManifestOrderOtherwise() {
        let graph = DependencyGraph(layered)
        XCTAssertEqual(graph.runOrder(graph.ids), ["stage_tasks", "other", "stage_deals", "dim", "report"])
        XCTAssertEqual(graph.runOrder(["report", "other"]), ["report", "other"], "upstreams not selected do not reorder")
    }

    func testUpstreamsAndDownstreamsAreTransitive() {
        let graph = DependencyGraph(layered)
        XCTAssertEqual(graph.withUpstreams(["report"]), ["report", "dim", "stage_tasks", "stage_deals"])
        XCTAssertEqual(graph.withDownstreams(["stage_deals"]), ["stage_deals", "dim", "report"])
        XCTAssertEqual(graph.withDownstreams(["other"]), ["other"])
    }

    func testWithUpstreamAndWithDownstreamSelectActiveEntriesInRunOrder() throws {
        let loaded = try load([
            entry("report", #"["dim"]"#), entry("dim", #"["stage_tasks", "stage_deals"]"#), entry("stage_tasks"),
            entry("stage_deals", active: false), entry("other"),
        ])
        let manifest = try XCTUnwrap(loaded.manifest, "\(loaded.issues)")
        XCTAssertEqual(manifest.runSelection(named: ["dim"]).map(\.id), ["dim"])
        XCTAssertEqual(manifest.runSelection(named: ["dim"], withUpstream: true).map(\.id), ["stage_tasks", "dim"], "the inactive stage_deals is left out")
        XCTAssertEqual(manifest.runSelection(named: ["dim"], withDownstream: true).map(\.id), ["dim", "report"])
        XCTAssertEqual(manifest.runSelection(named: ["dim"], withUpstream: true, withDownstream: true).map(\.id), ["stage_tasks", "dim", "report"])
        XCTAssertEqual(manifest.runSelection(named: []).map(\.id), ["stage_tasks", "dim", "report", "other"])
        XCTAssertEqual(manifest.runSelection(named: ["stage_deals"]).map(\.id), ["stage_deals"], "a named entry runs even when inactive")
        XCTAssertEqual(manifest.inactiveUpstreamNotes(manifest.runSelection(named: [])), [
            "entry dim depends on stage_deals, which is inactive (\"active\": false) and does not run: dim reads what stage_deals loaded last",
        ])
    }

    // MARK: the round's schedule

    func testAnEntryStartsOnlyOnceItsUpstreamsEnded() {
        var schedule = RoundSchedule([("stage", []), ("dim", ["stage"]), ("other", [])])
        XCTAssertEqual(schedule.next(mayStart: true), .start(0))
        XCTAssertEqual(schedule.next(mayStart: true), .start(2), "independent entries run side by side")
        XCTAssertNil(schedule.next(mayStart: true), "dim waits for stage")
        schedule.finished(2, status: .ok)
        XCTAssertNil(schedule.next(mayStart: true))
        schedule.finished(0, status: .ok)
        XCTAssertEqual(schedule.next(mayStart: true), .start(1))
        XCTAssertNil(schedule.next(mayStart: true))
    }

    func testDownstreamsOfAFailedUpstreamAreSkippedTransitively() {
        var schedule = RoundSchedule([("stage", []), ("dim", ["stage"]), ("report", ["dim"])])
        XCTAssertEqual(schedule.next(mayStart: true), .start(0))
        schedule.finished(0, status: .failed)
        XCTAssertEqual(schedule.next(mayStart: false), .skip(1, upstream: "stage", because: .ended(.failed)), "skips need no job slot")
        XCTAssertEqual(schedule.next(mayStart: true), .skip(2, upstream: "dim", because: .ended(.skipped)))
        XCTAssertNil(schedule.next(mayStart: true))
    }

    func testDownstreamsOfAnUpstreamRunningOnAnotherHostAreLeftToThatHostTransitively() {
        var schedule = RoundSchedule([("stage", []), ("dim", ["stage"]), ("report", ["dim"]), ("other", [])])
        XCTAssertEqual(schedule.next(mayStart: true), .start(0))
        schedule.finished(0, status: .elsewhere)
        XCTAssertEqual(schedule.next(mayStart: true), .skip(1, upstream: "stage", because: .ended(.elsewhere)))
        XCTAssertEqual(schedule.next(mayStart: true), .skip(2, upstream: "dim", because: .ended(.elsewhere)))
        XCTAssertEqual(schedule.next(mayStart: true), .start(3))
    }

    func testACancelledUpstreamSkipsItsDownstreams() {
        var schedule = RoundSchedule([("stage", []), ("dim", ["stage"])])
        _ = schedule.next(mayStart: true)
        schedule.finished(0, status: .cancelled)
        XCTAssertEqual(schedule.next(mayStart: true), .skip(1, upstream: "stage", because: .ended(.cancelled)))
    }

    func testAnUpstreamAnotherRunHoldsSkipsItsDownstreams() {
        var schedule = RoundSchedule([("dim", ["stage"]), ("other", [])], heldElsewhere: ["stage"])
        XCTAssertEqual(schedule.next(mayStart: true), .skip(0, upstream: "stage", because: .heldElsewhere))
        XCTAssertEqual(schedule.next(mayStart: true), .start(1))
    }

    func testAnUpstreamOutsideTheRoundHoldsNothingBack() {
        var schedule = RoundSchedule([("dim", ["stage"])])
        XCTAssertEqual(schedule.next(mayStart: true), .start(0))
    }
}
