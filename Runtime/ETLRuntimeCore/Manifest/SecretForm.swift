/// Resume states as the runtime stores them and as plugins need them.
///
/// A source may put what its config holds into its resume state (the csv source keeps each
/// file's path), so a secret substituted into a path would be written into the control
/// table, the run history and the sink's committed state. The runtime therefore stores every
/// state in its *stored form*, each secret value replaced by the `${NAME}` it came from, and
/// hands a plugin the *expanded form*, with the values put back from the same manifest.
/// Both directions work on JSON text: values are matched as written and as escaped in JSON
/// strings, and put back escaped, so the state stays valid JSON.
package struct SecretForm: Sendable {
    private let toStored: LiteralReplacements
    private let toExpanded: LiteralReplacements

    /// The forms for the secrets among `substitutions` (see `VariableSubstitution.isSecret`).
    package init(substitutions: [VariableSubstitution]) {
        let secrets = substitutions.filter(\.isSecret)
        toStored = LiteralReplacements(secrets.flatMap { secret in
            secret.textForms.map { (find: $0, replaceWith: secret.reference) }
        })
        toExpanded = LiteralReplacements(secrets.map { (find: $0.reference, replaceWith: $0.jsonEscaped) })
    }

    /// `state` with every secret value replaced by its `${NAME}`: what may be written anywhere.
    package func stored(_ state: String?) -> String? {
        state.map(toStored.apply)
    }

    /// `state` with every `${NAME}` of a secret replaced by its value: what a plugin reads.
    package func expanded(_ state: String?) -> String? {
        state.map(toExpanded.apply)
    }
}

extension Manifest {
    /// The stored and expanded forms of resume states for this manifest's secrets.
    package var secretForm: SecretForm { SecretForm(substitutions: substitutions) }
}
