import CETLPlugin
import CETLPluginLayout
import ETLPluginKit
import Glibc
import XCTest

/// `PluginHost.reportProgress` hands a source's progress to a host of ABI 1.3 or later, and on an
/// older host reads nothing beyond its table and reports nothing.
final class PluginHostProgressTests: XCTestCase {
    override func setUp() {
        TestHost.reset()
    }

    func testProgressReachesTheHostThroughTheInstanceHandleWithMinusOneForAnUnknownTotal() {
        let host = PluginHost(api: TestHost.api.pointer, instance: TestHost.instanceHandle)
        XCTAssertTrue(host.reportProgress(done: 250, total: 1000))
        XCTAssertTrue(host.reportProgress(done: 300, total: nil))
        XCTAssertTrue(host.reportProgress(done: -5, total: 1000), "a negative count is clamped, not passed on")
        XCTAssertEqual(TestHost.progress.withLock { $0 }, [
            TestHost.Progress(done: 250, total: 1000), TestHost.Progress(done: 300, total: -1), TestHost.Progress(done: 0, total: 1000),
        ])
    }

    func testOnAnABI12HostNothingIsReportedAndNoByteBeyondItsTableIsRead() throws {
        // The table as a 1.2 host hands it over (216 bytes), ending where an unreadable page
        // begins: reading report_progress from it would die of SIGSEGV.
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        let memory = try XCTUnwrap(mmap(nil, 2 * pageSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0))
        XCTAssertNotEqual(memory, MAP_FAILED)
        defer { munmap(memory, 2 * pageSize) }
        XCTAssertEqual(mprotect(memory + pageSize, pageSize, PROT_NONE), 0)
        let size = Int(etl_layout_host_api_size_1_1)
        let start = memory + pageSize - size
        start.copyMemory(from: TestHost.makeAPI(structSize: size, abiMinor: 2), byteCount: size)
        let oldHost = PluginHost(api: start.assumingMemoryBound(to: etl_host_api.self), instance: TestHost.instanceHandle)

        XCTAssertFalse(oldHost.reportProgress(done: 1, total: 2))
        XCTAssertEqual(TestHost.progress.withLock { $0 }, [])
        // The rest of the table still works.
        oldHost.info("still here")
        XCTAssertEqual(TestHost.logLines.withLock { $0.map(\.message) }, ["still here"])
    }
}
