#if canImport(Glibc)
import Glibc
#endif
import ETLPluginKit

/// How pages of a stream with declared columns are decoded, from the environment:
/// by default scanned straight from their bytes, with the JSON tree for any page the scan
/// gives up on; `ETL_HTTP_TREE_PAGES=1` parses every page into a tree (to compare the two ways
/// or rule the scan out); `ETL_HTTP_SCAN_ONLY=1` fails the read on a page the scan gives up on,
/// so a test can tell that the scan itself took every page.
enum PageDecoding: Sendable {
    case scanWithTreeFallback
    case treeOnly
    case scanOnly

    static var current: PageDecoding {
        if flag("ETL_HTTP_TREE_PAGES") { return .treeOnly }
        if flag("ETL_HTTP_SCAN_ONLY") { return .scanOnly }
        return .scanWithTreeFallback
    }

    /// The error for a page the scan gave up on when only the scan may read pages.
    static func scanGaveUp(_ source: String, _ why: String) -> PluginError {
        .internalError("ETL_HTTP_SCAN_ONLY is set and the byte scan gave up on \(source) (\(why))")
    }

    private static func flag(_ name: String) -> Bool {
        getenv(name).map { String(cString: $0) == "1" } ?? false
    }
}
