import CETLPlugin
import Foundation

/// Finds plugin library files in the search path. Only files named `libetl_*.so` are
/// considered: opening every shared library in a folder would run foreign code
/// (constructors) the user never meant to load.
package enum PluginFileScanner {
    /// The result of a scan: the files to load, in search order, and the files or
    /// folders refused before loading.
    package struct Scan: Sendable {
        package var candidates: [String] = []
        package var refused: [PluginLoadFailure] = []
    }

    static let filePrefix = ETL_PLUGIN_FILE_PREFIX
    static let fileSuffix = ".so"

    /// Whether `fileName` follows the plugin naming pattern.
    package static func isPluginFileName(_ fileName: String) -> Bool {
        fileName.hasPrefix(filePrefix) && fileName.hasSuffix(fileSuffix) && fileName.count > filePrefix.count + fileSuffix.count
    }

    /// Lists the plugin files of every folder. A missing folder is skipped silently (the
    /// default path names folders that usually do not exist); a file reached twice
    /// through links is listed once.
    package static func scan(_ searchPath: PluginSearchPath) -> Scan {
        var scan = Scan()
        var seen = Set<String>()
        for folder in searchPath.folders {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { continue }
            let pluginNames = names.filter(isPluginFileName).sorted()
            guard !pluginNames.isEmpty else { continue }
            if let problem = PluginFileTrust.folderProblem(folder.path) {
                for name in pluginNames {
                    scan.refused.append(PluginLoadFailure(libraryPath: join(folder.path, name), reason: problem))
                }
                continue
            }
            for name in pluginNames {
                let path = join(folder.path, name)
                guard seen.insert(PluginSearchPath.canonical(path)).inserted else { continue }
                if let problem = fileProblem(path) {
                    scan.refused.append(PluginLoadFailure(libraryPath: path, reason: problem))
                } else {
                    scan.candidates.append(path)
                }
            }
        }
        return scan
    }

    /// Why a single named file may not be loaded, or nil when it may (see `PluginFileTrust`).
    package static func fileProblem(_ path: String) -> String? {
        PluginFileTrust.fileProblem(path)
    }

    static func join(_ folder: String, _ name: String) -> String {
        (folder as NSString).appendingPathComponent(name)
    }
}
