/// One entry of an entry's `transforms` list, with where it was written so the
/// transform engine can point at it when a row breaks it.
public struct ManifestTransform: Sendable, Hashable {
    /// What the transform does.
    public var step: TransformStep
    /// Where it is, e.g. `$.control_table[1].transforms[0]`.
    public var jsonPath: String
    /// Its line in the manifest.
    public var line: Int

    /// Creates a transform.
    public init(step: TransformStep, jsonPath: String, line: Int) {
        self.step = step
        self.jsonPath = jsonPath
        self.line = line
    }
}
