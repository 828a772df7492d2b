/// Checks each source and sink against its plugin: that the plugin exists, is
/// of the right kind, publishes a usable config schema, and that the config
/// satisfies it. Resolves `"format": "path"` strings on the way.
struct ManifestPluginChecks {
    let reader: ManifestReader
    let provider: any PluginContractProviding
    /// The manifest's folder, which relative config paths resolve against.
    let directory: String
    /// Whether a plugin that cannot be used is left on the endpoint (`pluginProblem`) for the
    /// entries that use it to fail with, instead of being reported (see `ManifestLoader.PluginProblems`).
    let failTheirEntries: Bool
    private var schemas: [String: Result<JSONSchema, JSONSchemaError>] = [:]

    init(reader: ManifestReader, provider: any PluginContractProviding, directory: String, failTheirEntries: Bool = false) {
        self.reader = reader
        self.provider = provider
        self.directory = directory
        self.failTheirEntries = failTheirEntries
    }

    mutating func check(_ endpoint: inout EndpointDraft) {
        guard let plugin = endpoint.plugin, let pluginNode = endpoint.pluginNode else { return }
        let pluginPath = endpoint.path.appending(key: "plugin")
        func unusable(_ message: String) {
            if failTheirEntries {
                endpoint.pluginProblem = message
            } else {
                reader.report(pluginPath, at: pluginNode.location, message)
            }
        }
        switch provider.contract(forPlugin: plugin, kind: endpoint.kind) {
        case .notFound(let available):
            var message = "no plugin named \(reader.describe(pluginNode))"
            if !reader.describer.isRedacted(pluginNode.location),
                let suggestion = DidYouMean.suggestion(for: plugin, among: available) {
                message += "; did you mean \(DidYouMean.quoted(suggestion))?"
            }
            if available.isEmpty {
                message += "; no plugins were found (check plugin_dirs, --plugin-dir and ETL_PLUGIN_PATH)"
            } else {
                message += " (available: \(available.sorted().joined(separator: ", ")))"
            }
            let unloadable = provider.unloadableLibraries
            if !unloadable.isEmpty {
                message += "; \(PluginContractText.unloadable(unloadable)) (see etl-runtime list-plugins)"
            }
            unusable(message)
        case .unusable(let reason):
            unusable("plugin \(reader.describe(pluginNode)) cannot be used: \(reason)")
        case .found(let contract):
            guard contract.kind == endpoint.kind else {
                reader.report(pluginPath, at: pluginNode.location,
                              "plugin \(reader.describe(pluginNode)) is a \(contract.kind.rawValue) plugin; "
                                + "a \(endpoint.kind.rawValue) needs a \(endpoint.kind.rawValue) plugin")
                return
            }
            endpoint.contract = contract
            switch schema(for: contract) {
            case .failure(let error):
                unusable("plugin \(DidYouMean.quoted(contract.name)) (\(contract.libraryPath)) publishes an unusable "
                           + "config schema, \(error); this is a bug in the plugin, not in the manifest")
            case .success(let schema):
                guard endpoint.configIsObject else { return }
                let validator = JSONSchemaValidator(schema: schema, describer: reader.describer, pathBase: directory)
                let result = validator.validate(endpoint.configNode, at: endpoint.path.appending(key: "config"))
                for violation in result.violations {
                    reader.report(violation.path, at: violation.location, violation.message)
                }
                endpoint.configNode = result.value
            }
        }
    }

    /// Compiles each plugin's schema once, however many endpoints use the plugin.
    private mutating func schema(for contract: PluginContract) -> Result<JSONSchema, JSONSchemaError> {
        let key = contract.kind.rawValue + ":" + contract.name
        if let cached = schemas[key] { return cached }
        let result: Result<JSONSchema, JSONSchemaError>
        if contract.configSchemaJSON.allSatisfy(\.isWhitespace) {
            // A plugin without a schema accepts any config object; it validates in create().
            result = .success(.acceptsAnything)
        } else {
            do {
                result = .success(try JSONSchema(text: contract.configSchemaJSON))
            } catch {
                result = .failure(error)
            }
        }
        schemas[key] = result
        return result
    }
}
