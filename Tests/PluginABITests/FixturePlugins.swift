import Foundation
import TestSupport

/// Builds the deliberately broken plugins of Fixtures/ (and the SDK's C example) into a
/// fresh folder, named as the runtime expects plugins to be named.
final class FixturePlugins {
    let folder = TemporaryDirectory("etl-abi")

    /// Compiles `Tests/PluginABITests/Fixtures/<fixture>.c` into `libetl_<name>.so`.
    @discardableResult
    func build(_ fixture: String, as name: String? = nil, defines: [String] = []) throws -> String {
        let output = folder.file("libetl_\(name ?? fixture).so")
        try CCompiler.sharedLibrary("Tests/PluginABITests/Fixtures/\(fixture).c", output: output, defines: defines)
        return output
    }

    /// Compiles the SDK's plain-C example plugin library.
    @discardableResult
    func buildCExample() throws -> String {
        let output = folder.file("libetl_example_c.so")
        try CCompiler.sharedLibrary("SDK/examples/c-source/etl_example_c.c", output: output)
        return output
    }

    /// Copies a text file where a plugin library is expected.
    @discardableResult
    func placeTextFile(as name: String) throws -> String {
        let output = folder.file("libetl_\(name).so")
        try FileManager.default.copyItem(
            atPath: TestPaths.source("Tests/PluginABITests/Fixtures/not_elf.so.txt"), toPath: output)
        return output
    }
}
