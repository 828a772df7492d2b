import Foundation

/// The ordered folders `list-plugins`, `validate` and `run` search for plugin libraries
/// (DESIGN.md): `--plugin-dir` options, the manifest's `plugin_dirs`, `ETL_PLUGIN_PATH`,
/// the folder of the executable, then the installed plugin folder.
package struct PluginSearchPath: Sendable, Equatable {
    /// A folder to search and why it is on the path (printed when nothing is found).
    package struct Folder: Sendable, Equatable {
        package var path: String
        package var origin: String
    }

    package var folders: [Folder]

    /// The folder `make install` puts plugins in, relative to an installed executable
    /// (`PREFIX/bin/etl-runtime` → `PREFIX/lib/etl-runtime/plugins`).
    package static let installedPluginFolderRelativeToBinary = "../lib/etl-runtime/plugins"

    package init(
        commandLineFolders: [String], manifestFolders: [String], environment: [String: String],
        executablePath: String?
    ) {
        var folders: [Folder] = []
        folders += commandLineFolders.map { Folder(path: Self.absolute($0), origin: "--plugin-dir") }
        folders += manifestFolders.map { Folder(path: Self.absolute($0), origin: "manifest plugin_dirs") }
        if let variable = environment["ETL_PLUGIN_PATH"] {
            folders += variable.split(separator: ":").map { Folder(path: Self.absolute(String($0)), origin: "ETL_PLUGIN_PATH") }
        }
        if let executablePath {
            let binDirectory = (Self.absolute(executablePath) as NSString).deletingLastPathComponent
            folders.append(Folder(path: binDirectory, origin: "executable folder"))
            let installed = ((binDirectory as NSString).appendingPathComponent(Self.installedPluginFolderRelativeToBinary) as NSString).standardizingPath
            folders.append(Folder(path: installed, origin: "installed plugin folder"))
        }
        // The same folder reached twice (e.g. plugin_dirs naming the build folder) is searched once.
        var seen = Set<String>()
        self.folders = folders.filter { seen.insert(Self.canonical($0.path)).inserted }
    }

    /// The running executable's path, from /proc (argv[0] may be relative or a symlink).
    package static var currentExecutablePath: String? {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments.first
    }

    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return (path as NSString).standardizingPath }
        let cwd = FileManager.default.currentDirectoryPath
        return ((cwd as NSString).appendingPathComponent(path) as NSString).standardizingPath
    }

    /// The path with every link resolved (realpath), or `path` itself when it does not exist:
    /// what tells two spellings of one file or folder apart. One call, where Foundation's
    /// `resolvingSymlinksInPath` made about 30 system calls per path (every run and worker
    /// resolves each plugin file it finds).
    static func canonical(_ path: String) -> String {
        PluginFileTrust.realPath(path) ?? path
    }
}
