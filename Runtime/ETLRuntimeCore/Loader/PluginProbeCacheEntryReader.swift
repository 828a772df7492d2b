import ETLJSON

/// Reads a probe cache file (what `PluginProbeCache.save` wrote with `JSONEncoder`) through the
/// SDK's JSON scanner instead of `JSONDecoder`: every run and every entry worker reads one file
/// per plugin library, and `JSONDecoder` took 9.4 M of the 105 M instructions of a `validate`
/// (callgrind, eight plugin libraries). Anything not as written (an older layout, a truncated
/// file) reads as nil, which only costs a probe.
extension PluginProbeCache.Entry {
    init?(cacheFile bytes: [UInt8]) {
        guard let object = try? JSONValue(parsingFast: bytes), case .object = object,
              let runtime = object["runtime"]?.stringValue, let path = object["path"]?.stringValue,
              let identity = object["identity"].flatMap(PluginProbeCache.FileIdentity.init(cacheValue:))
        else { return nil }
        self.init(runtime: runtime, path: path, identity: identity)
        if let plugins = object["plugins"], !plugins.isNull {
            guard let elements = plugins.arrayValue else { return nil }
            var infos: [PluginInfo] = []
            for element in elements {
                guard let info = PluginInfo(cacheValue: element) else { return nil }
                infos.append(info)
            }
            self.plugins = infos
        }
        if let error = object["error"], !error.isNull {
            guard let text = error.stringValue else { return nil }
            self.error = text
        }
        if let waited = object["timedOutAfterSeconds"], !waited.isNull {
            guard let seconds = waited.numberValue?.doubleValue else { return nil }
            timedOutAfterSeconds = seconds
        }
    }
}

extension PluginProbeCache.FileIdentity {
    init?(cacheValue value: JSONValue) {
        func integer<T: FixedWidthInteger>(_ key: String, as: T.Type) -> T? {
            value[key]?.numberValue.flatMap { T($0.text) }
        }
        guard let device = integer("device", as: UInt64.self), let inode = integer("inode", as: UInt64.self),
              let size = integer("size", as: Int64.self), let modified = integer("modifiedNanoseconds", as: Int64.self),
              let changed = integer("changedNanoseconds", as: Int64.self)
        else { return nil }
        self.init(device: device, inode: inode, size: size, modifiedNanoseconds: modified, changedNanoseconds: changed)
    }
}

extension PluginInfo {
    init?(cacheValue value: JSONValue) {
        guard let name = value["name"]?.stringValue, let kindName = value["kind"]?.stringValue,
              let kind = PluginKind(rawValue: kindName), let version = value["version"]?.stringValue,
              let description = value["description"]?.stringValue, let capabilityValues = value["capabilities"]?.arrayValue,
              let configSchemaJSON = value["configSchemaJSON"]?.stringValue, let abiVersion = value["abiVersion"]?.stringValue,
              let libraryPath = value["libraryPath"]?.stringValue
        else { return nil }
        var capabilities: [String] = []
        for capability in capabilityValues {
            guard let text = capability.stringValue else { return nil }
            capabilities.append(text)
        }
        var entryOptionsSchemaJSON: String?
        if let options = value["entryOptionsSchemaJSON"], !options.isNull {
            guard let text = options.stringValue else { return nil }
            entryOptionsSchemaJSON = text
        }
        self.init(name: name, kind: kind, version: version, description: description, capabilities: capabilities,
                  configSchemaJSON: configSchemaJSON, abiVersion: abiVersion, libraryPath: libraryPath,
                  entryOptionsSchemaJSON: entryOptionsSchemaJSON)
    }
}
