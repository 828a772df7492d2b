/// Checks each entry's `options` against the entry options schemas of its source's and sink's
/// plugins (ABI 1.2, `entry_options_schema_json`), as `ManifestPluginChecks` checks configs.
///
/// The options go to both plugins; each plugin that declares a schema checks them, and one that
/// declares none ignores them. Options that neither plugin honours would do nothing, so they are
/// refused. When both declare a schema, each option is checked by the plugin(s) whose schema
/// names it under `properties`, and an option no schema names by those taking any name
/// (`additionalProperties` not false): a sink's `replace_partitions` is then not refused by a
/// source whose options are free-form placeholder values, nor the placeholders by the sink. Runs after the plugin checks (it needs the endpoints' contracts); an entry whose
/// source or sink is unknown, or whose plugin is unknown, is left to the checks that report that.
struct EntryOptionsCheck {
    let reader: ManifestReader
    let draft: ManifestDraft
    /// The manifest's folder, which relative `"format": "path"` option values resolve against.
    let directory: String
    private var schemas: [String: Result<JSONSchema, JSONSchemaError>] = [:]

    init(reader: ManifestReader, draft: ManifestDraft, directory: String) {
        self.reader = reader
        self.draft = draft
        self.directory = directory
    }

    mutating func check(_ entry: inout EntryDraft) {
        guard let options = entry.options else { return }
        guard let source = endpoint(named: entry.source, kind: .source),
            let sink = endpoint(named: entry.sink, kind: .sink),
            let sourceContract = source.contract, let sinkContract = sink.contract
        else { return }
        let path = entry.path.appending(key: "options")
        let declaring = [(source, sourceContract), (sink, sinkContract)].filter { $0.1.entryOptionsSchemaJSON != nil }
        guard !declaring.isEmpty else {
            guard !(options.members ?? []).isEmpty else { return }
            reader.report(path, at: options.location,
                          "neither \(label(source, sourceContract)) nor \(label(sink, sinkContract)) honours entry "
                            + "options (their plugins declare no entry options schema), so these would do nothing; "
                            + "remove \"options\"")
            return
        }
        var compiled: [(EndpointDraft, PluginContract, JSONSchema)] = []
        for (endpoint, contract) in declaring {
            switch schema(for: contract) {
            case .failure(let error):
                reader.report(path, at: options.location,
                              "\(label(endpoint, contract)) publishes an unusable entry options schema, \(error); "
                                + "this is a bug in the plugin (\(contract.libraryPath)), not in the manifest")
            case .success(let schema):
                compiled.append((endpoint, contract, schema))
            }
        }
        var checked = options
        for (index, (endpoint, contract, schema)) in compiled.enumerated() {
            let share = Self.share(of: options, for: index, among: compiled.map(\.2))
            let validator = JSONSchemaValidator(schema: schema, describer: reader.describer, pathBase: directory)
            let result = validator.validate(share, at: path)
            for violation in result.violations {
                reader.report(violation.path, at: violation.location,
                              "\(violation.message) (entry options of \(label(endpoint, contract)))")
            }
            checked = Self.merging(result.value, into: checked)
            checkWriteModes(of: share, against: schema, for: entry, at: path, named: label(endpoint, contract))
        }
        entry.options = checked
    }

    /// Refuses an option whose schema property lists `x-etl-write-modes` without the entry's
    /// write mode: the plugin would refuse the load at `begin`, after `validate` passed.
    private func checkWriteModes(of options: JSONNode, against schema: JSONSchema, for entry: EntryDraft,
                                 at path: JSONPath, named plugin: String) {
        guard let write = entry.effectiveWrite, let members = options.members, case .rules(let rules) = schema.root else { return }
        for member in members {
            guard case .rules(let property)? = rules.property(member.key), let modes = property.writeModes,
                !modes.contains(write.rawValue)
            else { continue }
            let allowed = modes.map { "\"\($0)\"" }.joined(separator: " or ")
            reader.report(path.appending(key: member.key), at: member.value.location,
                          "applies to write \(allowed) only, and this entry's write is \"\(write.rawValue)\"; "
                            + "set \"write\": \(modes.count == 1 ? "\"\(modes[0])\"" : "one of those") or remove options.\(member.key) "
                            + "(entry options of \(plugin))")
        }
    }

    /// The members of `options` the schema at `index` checks: all of them when it is the only
    /// schema (or the options are no object); else those it names, plus those no schema names
    /// when it takes any name, or when no schema does (so an unknown key is still reported).
    private static func share(of options: JSONNode, for index: Int, among schemas: [JSONSchema]) -> JSONNode {
        guard schemas.count > 1, let members = options.members else { return options }
        let kept = members.filter { member in
            if schemas.contains(where: { names($0, member.key) }) { return names(schemas[index], member.key) }
            let takers = schemas.indices.filter { takesAnyName(schemas[$0]) }
            return takers.isEmpty || takers.contains(index)
        }
        return JSONNode(location: options.location, content: .object(kept))
    }

    private static func names(_ schema: JSONSchema, _ key: String) -> Bool {
        guard case .rules(let rules) = schema.root else { return false }
        return rules.property(key) != nil
    }

    private static func takesAnyName(_ schema: JSONSchema) -> Bool {
        switch schema.root {
        case .anything: return true
        case .nothing: return false
        case .rules(let rules):
            if case .nothing = rules.additionalProperties { return false }
            return true
        }
    }

    /// `options` with the members a schema checked replaced by their checked values (paths made
    /// absolute, defaults kept as the validator returns them).
    private static func merging(_ share: JSONNode, into options: JSONNode) -> JSONNode {
        guard let members = options.members, let checked = share.members else { return share }
        let merged = members.map { member in checked.first { $0.key == member.key } ?? member }
        return JSONNode(location: options.location, content: .object(merged))
    }

    private func endpoint(named name: String?, kind: PluginKind) -> EndpointDraft? {
        guard let name else { return nil }
        return draft.endpoints(kind).first { $0.name == name }
    }

    private func label(_ endpoint: EndpointDraft, _ contract: PluginContract) -> String {
        "\(endpoint.kind.rawValue) \(DidYouMean.quoted(endpoint.name)) (plugin \(DidYouMean.quoted(contract.name)))"
    }

    /// Compiles each plugin's schema once, however many entries use the plugin.
    private mutating func schema(for contract: PluginContract) -> Result<JSONSchema, JSONSchemaError> {
        let key = contract.kind.rawValue + ":" + contract.name
        if let cached = schemas[key] { return cached }
        let result: Result<JSONSchema, JSONSchemaError>
        do {
            result = .success(try JSONSchema(text: contract.entryOptionsSchemaJSON ?? "{}"))
        } catch {
            result = .failure(error)
        }
        schemas[key] = result
        return result
    }
}
