import ETLJSON

/// Checks a library's plugin list at load, so an authoring mistake is reported by name when the
/// host loads the library instead of surfacing later as a confusing host error.
enum DescriptorValidation {
    /// Refuses (with `ETL_INTERNAL`, since it is a bug in the plugin) an empty list, a bad or
    /// duplicate name, an empty version, a config schema that is not a JSON object, a capability
    /// that does not belong to the plugin's kind, or a sink that offers no write mode.
    static func validate(_ plugins: [PluginRegistration]) throws(PluginError) {
        guard !plugins.isEmpty else {
            throw .internalError("the library registers no plugins: pass at least one .sink(...) or .source(...) to PluginLibrary.entry")
        }
        var seen = Set<String>()
        for plugin in plugins {
            let descriptor = plugin.descriptor
            let name = descriptor.name
            guard isValidName(name) else {
                throw .internalError("plugin name '\(name)' is invalid: use lowercase letters, digits and '_', starting with a letter")
            }
            // A source and a sink may share a name (`sqlite`); two of one kind may not.
            let kindName: String
            switch plugin.kind {
            case .sink: kindName = "sink"
            case .source: kindName = "source"
            }
            guard seen.insert("\(kindName) \(name)").inserted else {
                throw .internalError("two \(kindName) plugins of the library are named '\(name)': names must be unique per kind")
            }
            guard !descriptor.version.isEmpty else {
                throw .internalError("plugin '\(name)' has an empty version: set PluginDescriptor.version, e.g. \"1.0.0\"")
            }
            let schema: JSONValue
            do throws(JSONSyntaxError) {
                schema = try JSONValue(parsing: descriptor.configSchema)
            } catch {
                throw .internalError("plugin '\(name)': configSchema is not valid JSON: \(error.positionedMessage)")
            }
            guard case .object = schema else {
                throw .internalError("plugin '\(name)': configSchema must be a JSON object (a JSON Schema), found \(schema.kindDescription)")
            }
            if let optionsSchema = descriptor.entryOptionsSchema {
                let options: JSONValue
                do throws(JSONSyntaxError) {
                    options = try JSONValue(parsing: optionsSchema)
                } catch {
                    throw .internalError("plugin '\(name)': entryOptionsSchema is not valid JSON: \(error.positionedMessage)")
                }
                guard case .object = options else {
                    throw .internalError("plugin '\(name)': entryOptionsSchema must be a JSON object (a JSON Schema), found \(options.kindDescription)")
                }
            }
            let allowed: PluginCapabilities
            switch plugin.kind {
            case .sink:
                allowed = .sinkCapabilities
                guard !descriptor.capabilities.isDisjoint(with: [.replace, .append, .merge, .scd2]) else {
                    throw .internalError("sink '\(name)' declares no write mode: add at least one of .replace, .append, .merge, .scd2 to its capabilities")
                }
            case .source:
                allowed = .sourceCapabilities
            }
            let foreign = descriptor.capabilities.subtracting(allowed)
            guard foreign.isEmpty else {
                throw .internalError("plugin '\(name)' declares capabilities that do not apply to its kind: \(foreign)")
            }
        }
    }

    /// `[a-z][a-z0-9_]*`, the header's rule for manifest plugin names.
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) else { return false }
        return name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "_")
        }
    }
}
