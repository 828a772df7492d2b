/// One entry of an entry's `transforms` list, with where it was written so the
/// transform engine can point at it when a row breaks it.
package struct ManifestTransform: Sendable, Hashable {
    /// What the transform does.
    package var step: TransformStep
    /// Where it is, e.g. `$.control_table[1].transforms[0]`.
    package var jsonPath: String
    /// Its line in the manifest.
    package var line: Int

    /// Creates a transform.
    package init(step: TransformStep, jsonPath: String, line: Int) {
        self.step = step
        self.jsonPath = jsonPath
        self.line = line
    }
}
