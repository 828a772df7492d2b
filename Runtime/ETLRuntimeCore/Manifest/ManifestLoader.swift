import Foundation

/// Reads `plugins.json` into a checked, typed `Manifest`.
///
/// One pass finds every mistake it can (syntax errors excepted, which stop
/// the parse): unknown keys, wrong types, bad combinations, missing variables,
/// unknown plugins, configs that break their plugin's schema. Each comes back
/// as a `ManifestIssue` naming file, line, JSON path and what was expected.
package enum ManifestLoader {
    /// What a plugin that cannot be used (none of that name, its library failed to load, two
    /// libraries claim the name, its config schema is broken) does to the manifest.
    package enum PluginProblems: Sendable {
        /// It is an issue like any other: the manifest is refused (`validate`).
        case areIssues
        /// Only the entries that use it fail, with the problem as their error
        /// (`ManifestEndpoint.pluginProblem`); the others run. One broken library must not stop
        /// every pipeline of a manifest.
        case failTheirEntries
    }

    /// Loads and checks the manifest at `path`.
    ///
    /// - Parameters:
    ///   - path: the manifest file; relative to the working directory when not absolute.
    ///     Issues name the file as given here.
    ///   - environment: the variables `${VAR}` reads first (usually `ProcessInfo.processInfo.environment`);
    ///     the `.env` file beside the manifest fills in the rest.
    ///   - plugins: where plugin contracts come from; nil skips every plugin check
    ///     (existence, kind, capabilities, config schema) and leaves config paths as written.
    ///   - pluginProblems: whether a plugin that cannot be used is an issue of the manifest
    ///     (`validate`) or only of the entries that use it (commands that run entries).
    /// - Returns: the manifest when there is no issue, otherwise nil and every issue found.
    package static func load(
        path: String, environment: [String: String], plugins: (any PluginContractProviding)?,
        pluginProblems: PluginProblems = .areIssues
    ) -> ManifestLoadResult {
        load(path: path, environment: environment, pluginsFor: { _ in plugins }, pluginProblems: pluginProblems)
    }

    /// As `load(path:environment:plugins:pluginProblems:)`, with the plugins found from the
    /// manifest's own `plugin_dirs` (absolute, in order) as this one reading of the file gives
    /// them: `pluginsFor` is called once, after the manifest is decoded, and not at all when the
    /// file cannot be read or parsed.
    package static func load(
        path: String, environment: [String: String],
        pluginsFor: (_ manifestPluginFolders: [String]) -> (any PluginContractProviding)?,
        pluginProblems: PluginProblems = .areIssues
    ) -> ManifestLoadResult {
        let absolutePath = PathResolver.absoluteFromWorkingDirectory(path)
        let directory = PathResolver.directory(of: absolutePath)
        let bytes: [UInt8]
        switch readManifest(absolutePath: absolutePath, file: path) {
        case .success(let read): bytes = read
        case .failure(let issue): return ManifestLoadResult(manifest: nil, issues: [issue])
        }
        let document: JSONDocument
        do {
            document = try JSONParser.parse(bytes: bytes)
        } catch {
            return ManifestLoadResult(manifest: nil, issues: [
                ManifestIssue(file: path, line: error.location.line, column: error.location.column, jsonPath: "",
                              message: error.message),
            ])
        }

        var earlyIssues = document.duplicateKeys.map {
            ManifestIssue(file: path, line: $0.duplicateLocation.line, jsonPath: $0.path.description, message: $0.message)
        }
        let dotEnvFile = dotEnvDisplayPath(forManifest: path)
        let dotEnv = readDotEnv(absolutePath: directory + "/.env", file: dotEnvFile, issues: &earlyIssues)
        let expansion = ManifestExpansion(
            root: document.root, expander: EnvironmentExpander(environment: environment, dotEnv: dotEnv))
        let reader = ManifestReader(
            file: path, describer: JSONValueDescriber(redactions: expansion.redactions),
            displayTexts: expansion.displayTexts, unresolved: [])
        for issue in earlyIssues { reader.append(issue) }
        for problem in expansion.problems {
            reader.report(problem.path, at: problem.location, problem.message)
        }

        // A second reader skips follow-on complaints about values whose ${VAR} failed.
        let checker = ManifestReader(
            file: path, describer: reader.describer, displayTexts: expansion.displayTexts,
            unresolved: expansion.unresolved)
        var draft = ManifestDecoder(reader: checker, directory: directory).decode(expansion.root)
        if let plugins = pluginsFor(draft.pluginDirectories) {
            var pluginChecks = ManifestPluginChecks(
                reader: checker, provider: plugins, directory: directory, failTheirEntries: pluginProblems == .failTheirEntries)
            for index in draft.sources.indices { pluginChecks.check(&draft.sources[index]) }
            for index in draft.sinks.indices { pluginChecks.check(&draft.sinks[index]) }
            var optionsCheck = EntryOptionsCheck(reader: checker, draft: draft, directory: directory)
            for index in draft.entries.indices { optionsCheck.check(&draft.entries[index]) }
        }
        ManifestCrossChecks(reader: checker, draft: draft).run()
        ManifestDependencyChecks(reader: checker, draft: draft).run()

        let issues = inFileOrder(reader.located + checker.located, manifestFile: path)
        guard issues.isEmpty, let version = draft.version else {
            return ManifestLoadResult(manifest: nil, issues: issues)
        }
        var manifest = Manifest(
            manifestPath: absolutePath, manifestDirectory: directory, manifestVersion: version,
            pluginDirectories: draft.pluginDirectories, statePath: draft.statePath,
            sources: draft.sources.compactMap { makeEndpoint($0, expansion) },
            sinks: draft.sinks.compactMap { makeEndpoint($0, expansion) },
            controlTable: draft.entries.compactMap { $0.makeEntry() },
            substitutions: secrets(expansion, environment: environment, dotEnv: dotEnv), dotEnv: dotEnv)
        manifest.stateServer = draft.stateServer
        manifest.notify = draft.notify
        return ManifestLoadResult(manifest: manifest, issues: [])
    }

    /// Every substitution made, then the variables `*_env` keys name (their values are secrets
    /// too, though the plugin reads them itself).
    static func secrets(
        _ expansion: ManifestExpansion, environment: [String: String], dotEnv: [String: String]
    ) -> [VariableSubstitution] {
        let named = CredentialVariables.substitutions(in: expansion.root, environment: environment, dotEnv: dotEnv)
        return expansion.substitutions + named.filter { !expansion.substitutions.contains($0) }
    }

    /// The manifest's `plugin_dirs`, absolute, read tolerantly: the plugin
    /// loader needs them before it can offer the contracts that `load` checks
    /// against, so nothing here fails; a folder that cannot be read is skipped.
    package static func pluginDirectories(manifestPath: String, environment: [String: String]) -> [String] {
        let absolutePath = PathResolver.absoluteFromWorkingDirectory(manifestPath)
        let directory = PathResolver.directory(of: absolutePath)
        guard let data = FileManager.default.contents(atPath: absolutePath),
            let document = try? JSONParser.parse(bytes: Array(data)),
            let folders = document.root.member("plugin_dirs")?.value.elements
        else { return [] }
        var ignored: [ManifestIssue] = []
        let dotEnv = readDotEnv(absolutePath: directory + "/.env", file: ".env", issues: &ignored)
        let expander = EnvironmentExpander(environment: environment, dotEnv: dotEnv)
        return folders.compactMap { folder in
            guard let template = folder.stringValue else { return nil }
            let expansion = expander.expand(template)
            guard expansion.missing.isEmpty, expansion.syntaxProblem == nil, !expansion.value.isEmpty else { return nil }
            return PathResolver.absolute(expansion.value, relativeTo: directory)
        }
    }

    static func readManifest(absolutePath: String, file: String) -> Result<[UInt8], ManifestIssue> {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: absolutePath, isDirectory: &isDirectory) else {
            return .failure(ManifestIssue(
                file: file, line: nil, jsonPath: "",
                message: "no such file; pass --manifest PATH, or run from the folder that holds plugins.json"))
        }
        if isDirectory.boolValue {
            return .failure(ManifestIssue(
                file: file, line: nil, jsonPath: "",
                message: "is a folder, not a manifest; pass --manifest PATH/TO/plugins.json"))
        }
        guard let data = FileManager.default.contents(atPath: absolutePath) else {
            return .failure(ManifestIssue(
                file: file, line: nil, jsonPath: "",
                message: "cannot be read; check that this user may read it (permissions)"))
        }
        return .success(Array(data))
    }

    /// The `.env` beside the manifest, named the way the user named the manifest.
    static func dotEnvDisplayPath(forManifest file: String) -> String {
        guard let slash = file.lastIndex(of: "/") else { return ".env" }
        return String(file[...slash]) + ".env"
    }

    static func readDotEnv(absolutePath: String, file: String, issues: inout [ManifestIssue]) -> [String: String] {
        guard FileManager.default.fileExists(atPath: absolutePath) else { return [:] }
        guard let data = FileManager.default.contents(atPath: absolutePath) else {
            issues.append(ManifestIssue(file: file, line: nil, jsonPath: "",
                                        message: "cannot be read; check that this user may read it (permissions)"))
            return [:]
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            issues.append(ManifestIssue(file: file, line: nil, jsonPath: "", message: "is not valid UTF-8 text"))
            return [:]
        }
        let parsed = DotEnvFile(text: text)
        for problem in parsed.problems {
            issues.append(ManifestIssue(file: file, line: problem.line, jsonPath: "", message: problem.message))
        }
        return parsed.values
    }

    /// Issues about other files (`.env`) first, then the manifest's by position; otherwise as found.
    private static func inFileOrder(
        _ issues: [(issue: ManifestIssue, location: JSONLocation?)], manifestFile: String
    ) -> [ManifestIssue] {
        func key(_ item: (offset: Int, element: (issue: ManifestIssue, location: JSONLocation?))) -> (Int, Int, Int, Int) {
            let location = item.element.location
            return (item.element.issue.file == manifestFile ? 1 : 0, location?.line ?? 0, location?.column ?? 0, item.offset)
        }
        return issues.enumerated().sorted { key($0) < key($1) }.map(\.element.issue)
    }

    private static func makeEndpoint(_ draft: EndpointDraft, _ expansion: ManifestExpansion) -> ManifestEndpoint? {
        guard let plugin = draft.plugin else { return nil }
        return ManifestEndpoint(
            name: draft.name, kind: draft.kind, plugin: plugin, config: draft.configNode.value,
            displayConfig: expansion.displayValue(draft.configNode), description: draft.description,
            contract: draft.contract, jsonPath: draft.path.description, line: draft.node.location.line,
            pluginProblem: draft.pluginProblem)
    }
}
