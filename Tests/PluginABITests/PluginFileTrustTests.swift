import ETLRuntimeCore
import Foundation
import TestSupport
import XCTest

/// A plugin file is loaded only when nobody but the runtime's user or root could have put it
/// there: the file, its folder and every folder above it are checked on their real paths,
/// and each refusal says what to run to fix it.
final class PluginFileTrustTests: XCTestCase {
    /// Another user for the ownership cases (nobody on Debian); chown needs root, which CI has.
    private static let otherUser: uid_t = 65534

    private func refusal(_ folder: String, file: StaticString = #filePath, line: UInt = #line) -> PluginLoadFailure? {
        let scan = PluginFileScanner.scan(
            PluginSearchPath(commandLineFolders: [folder], manifestFolders: [], environment: [:], executablePath: nil))
        XCTAssertEqual(scan.refused.count + scan.candidates.count, 1, "one plugin file in \(folder)", file: file, line: line)
        return scan.refused.first
    }

    /// A folder (mode 0755) inside the fixtures' folder, holding the tiny plugin.
    private func pluginFolder(_ fixtures: FixturePlugins, _ relative: String) throws -> (folder: String, library: String) {
        let folder = fixtures.folder.file(relative)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var path = folder
        while path != fixtures.folder.path {
            chmod(path, 0o755)
            path = (path as NSString).deletingLastPathComponent
        }
        let library = folder + "/libetl_tiny_source.so"
        try CCompiler.sharedLibrary("Tests/PluginABITests/Fixtures/tiny_source.c", output: library)
        chmod(library, 0o755)
        return (folder, library)
    }

    private func requireRoot() throws {
        try XCTSkipUnless(geteuid() == 0, "ownership cases need root to chown a fixture to another user")
    }

    func testAGroupWritableFileIsRefusedWithTheChmodThatFixesIt() throws {
        let fixtures = FixturePlugins()
        let (folder, library) = try pluginFolder(fixtures, "plugins")
        chmod(library, 0o775)
        XCTAssertEqual(refusal(folder)?.libraryPath, library)
        XCTAssertEqual(
            refusal(folder)?.reason,
            "refused: the file is writable by its group \(Self.groupName(getegid())) (mode 775), so any member of it could replace "
                + "the code etl-runtime would run; fix with chmod g-w \(library)")
    }

    func testAGroupWritableFolderIsRefusedForEveryFileInIt() throws {
        let fixtures = FixturePlugins()
        let (folder, library) = try pluginFolder(fixtures, "plugins")
        chmod(folder, 0o775)
        XCTAssertEqual(refusal(folder)?.libraryPath, library)
        XCTAssertEqual(
            refusal(folder)?.reason,
            "refused: the folder \(folder) is writable by its group \(Self.groupName(getegid())) (mode 775), so any member of it "
                + "could put other code in place of the libraries in it; fix with chmod g-w \(folder)")
    }

    func testAWorldWritableFolderAboveThePluginFolderIsRefused() throws {
        let fixtures = FixturePlugins()
        let (folder, _) = try pluginFolder(fixtures, "shared/plugins")
        let shared = fixtures.folder.file("shared")
        chmod(shared, 0o777)
        XCTAssertEqual(
            refusal(folder)?.reason,
            "refused: the folder \(shared) above it is writable by others (mode 777) and is not a sticky folder owned by root "
                + "(as /tmp is), so anyone could rename the folders below it and put other code in their place; "
                + "fix with chmod o-w \(shared)")
    }

    func testAStickyWorldWritableFolderOwnedByRootAboveIsAccepted() throws {
        try requireRoot()
        let fixtures = FixturePlugins()
        let (folder, library) = try pluginFolder(fixtures, "shared/plugins")
        chmod(fixtures.folder.file("shared"), 0o1777)
        XCTAssertNil(refusal(folder))
        XCTAssertNil(PluginFileScanner.fileProblem(library))
    }

    func testAStickyWorldWritableFolderAboveOwnedBySomeoneElseIsRefused() throws {
        try requireRoot()
        let fixtures = FixturePlugins()
        let (folder, _) = try pluginFolder(fixtures, "shared/plugins")
        let shared = fixtures.folder.file("shared")
        chmod(shared, 0o1777)
        XCTAssertEqual(chown(shared, Self.otherUser, 0), 0)
        XCTAssertTrue(refusal(folder)?.reason.hasPrefix("refused: the folder \(shared) above it is writable by others (mode 1777) and is not a sticky folder owned by root") == true)
    }

    func testAFileOwnedByAnotherUserIsRefusedWithTheChownThatFixesIt() throws {
        try requireRoot()
        let fixtures = FixturePlugins()
        let (folder, library) = try pluginFolder(fixtures, "plugins")
        XCTAssertEqual(chown(library, Self.otherUser, 0), 0)
        XCTAssertEqual(
            refusal(folder)?.reason,
            "refused: the file belongs to user \(Self.userName(Self.otherUser)) (uid 65534), who could replace the code etl-runtime "
                + "would run, and etl-runtime runs as root; fix with chown root \(library)")
    }

    func testAFolderOwnedByAnotherUserIsRefused() throws {
        try requireRoot()
        let fixtures = FixturePlugins()
        let (folder, _) = try pluginFolder(fixtures, "plugins")
        XCTAssertEqual(chown(folder, Self.otherUser, 0), 0)
        XCTAssertEqual(
            refusal(folder)?.reason,
            "refused: the folder \(folder) belongs to user \(Self.userName(Self.otherUser)) (uid 65534), who could put other code "
                + "in place of the libraries in it, and etl-runtime runs as root; fix with chown root \(folder)")
    }

    func testASymbolicLinkIsJudgedByTheFileItLeadsTo() throws {
        let fixtures = FixturePlugins()
        let (elsewhere, real) = try pluginFolder(fixtures, "shared/real")
        let shared = fixtures.folder.file("shared")
        chmod(shared, 0o777)
        let folder = fixtures.folder.file("plugins")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        chmod(folder, 0o755)
        let link = folder + "/libetl_tiny_source.so"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
        XCTAssertEqual(refusal(folder)?.libraryPath, link)
        XCTAssertEqual(
            refusal(folder)?.reason,
            "refused: the folder \(shared) above it is writable by others (mode 777) and is not a sticky folder owned by root "
                + "(as /tmp is), so anyone could rename the folders below it and put other code in their place; "
                + "fix with chmod o-w \(shared) (\(link) leads to \(real) through a symbolic link)")
        XCTAssertNotNil(PluginFileScanner.fileProblem(link), "loading the link directly is refused too")
        _ = elsewhere
    }

    func testAPluginInASafeFolderLoads() throws {
        let fixtures = FixturePlugins()
        let (folder, library) = try pluginFolder(fixtures, "plugins")
        XCTAssertNil(refusal(folder))
        XCTAssertNil(PluginFileScanner.fileProblem(library))
    }

    private static func userName(_ uid: uid_t) -> String {
        getpwuid(uid).flatMap { $0.pointee.pw_name.map { String(cString: $0) } } ?? "\(uid)"
    }

    private static func groupName(_ gid: gid_t) -> String {
        getgrgid(gid).flatMap { $0.pointee.gr_name.map { String(cString: $0) } } ?? "\(gid)"
    }
}
