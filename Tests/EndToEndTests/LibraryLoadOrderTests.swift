import Foundation
import TestSupport
import XCTest

/// Every etl-runtime process (a `run` and each entry's worker) starts by binding about 20,000
/// symbols, each looked up in the loaded libraries in the executable's DT_NEEDED order. The
/// libraries that bind thousands of references to their own symbols are named early
/// (Runtime/System/CLoaderOrder), so those lookups stop at once instead of missing in some thirty
/// libraries first; and naming them adds no library the process did not load anyway.
final class LibraryLoadOrderTests: XCTestCase {
    private func needed(_ path: String) throws -> [String] {
        try ProcessRunner.run("/usr/bin/readelf", ["-d", path]).stdout.split(separator: "\n").compactMap { line in
            guard line.contains("(NEEDED)"), let open = line.firstIndex(of: "["), let close = line.lastIndex(of: "]") else { return nil }
            return String(line[line.index(after: open)..<close])
        }
    }

    private func position(of prefix: String, in libraries: [String]) throws -> Int {
        try XCTUnwrap(libraries.firstIndex { $0.hasPrefix(prefix) }, "\(prefix) is not among \(libraries)")
    }

    func testTheLibrariesThatBindTheirOwnSymbolsMostComeBeforeTheSwiftRuntime() throws {
        let libraries = try needed(TestPaths.runtimeExecutable)
        let swiftCore = try position(of: "libswiftCore.so", in: libraries)
        for early in ["libcrypto.so", "libstdc++.so", "libc.so"] {
            XCTAssertLessThan(try position(of: early, in: libraries), swiftCore, "\(early) in \(libraries)")
        }
        XCTAssertLessThan(try position(of: "lib_FoundationICU.so", in: libraries), try position(of: "libFoundation.so", in: libraries),
                          "ICU before Foundation, which loads it, in \(libraries)")
    }

    func testNamingThemEarlyLoadsNoLibraryTheProcessWouldNotLoadAnyway() throws {
        // libcrypto comes with libpq, libstdc++ and ICU with Foundation: each is also needed by a
        // library the executable needs for its own calls.
        let libraries = try needed(TestPaths.runtimeExecutable)
        let loadedByOthers = try ProcessRunner.run("/usr/bin/ldd", [TestPaths.runtimeExecutable]).stdout
        for early in ["libcrypto.so", "libstdc++.so", "lib_FoundationICU.so"] {
            XCTAssertTrue(libraries.contains { $0.hasPrefix(early) }, "\(early) in \(libraries)")
            let neededBy = try libraries.filter { !$0.hasPrefix(early) && !$0.hasPrefix("ld-linux") }.contains { library in
                guard let path = loadedByOthers.split(separator: "\n").first(where: { $0.contains(library + " => ") })?
                    .split(separator: " ").dropFirst(2).first else { return false }
                return try needed(String(path)).contains { $0.hasPrefix(early) }
            }
            XCTAssertTrue(neededBy, "\(early): no other library of the executable needs it")
        }
    }
}
