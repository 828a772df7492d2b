/// What `ManifestLoader.load` found.
///
/// `manifest` is present exactly when `issues` is empty: a manifest with any
/// mistake is refused whole, because running half a configuration from cron
/// is worse than running none and exiting 78.
package struct ManifestLoadResult: Sendable {
    /// The typed manifest, when there was no issue.
    package var manifest: Manifest?
    /// Every mistake found, in file order, all from one pass.
    package var issues: [ManifestIssue]

    /// Creates a result.
    package init(manifest: Manifest?, issues: [ManifestIssue]) {
        self.manifest = manifest
        self.issues = issues
    }
}
