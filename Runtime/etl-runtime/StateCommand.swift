import ArgumentParser
import ETLJSON
import ETLRuntimeCore

/// `etl-runtime state show|reset|set`: read or override an entry's watermark.
struct StateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Show, reset or set an entry's watermark (its resume state).",
        subcommands: [Show.self, Reset.self, Set.self, StateRebuildCommand.self])

    struct Show: ParsableCommand {
        // Every command is named: ArgumentParser builds the whole command tree at each start and
        // derives a missing name from the type's through reflection, 3.4 M instructions for these three.
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Print the entry's current watermark (JSON), or nothing if it has none.",
            discussion: "Secrets in it show as ${NAME}. Reads only the state database: the manifest's secrets need not be set and no plugin is loaded.")
        @OptionGroup var location: PluginLocationOptions
        @Argument(help: "The entry id.") var entry: String

        func run() throws {
            let context = try location.loadStateContext()
            do {
                try context.requireEntry(entry)
            } catch {
                throw Console.usage("\(error)")
            }
            let watermark = try context.openState().watermark(entryID: entry)
            print(watermark.state.map(context.redacting) ?? "")
        }
    }

    struct Reset: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset",
            abstract: "Forget the watermark: the next run starts from the beginning (or the entry's initial_value).",
            discussion: "The sink's committed state is ignored by the next run, which overwrites it at its first commit.")
        @OptionGroup var location: PluginLocationOptions
        @Argument(help: "The entry id.") var entry: String

        func run() throws {
            let context = try location.loadContext()
            try StateCommand.requireEntry(entry, in: context)
            try context.openState().overrideWatermark(entryID: entry, state: nil)
            print("\(entry): watermark reset; the next run starts from the beginning")
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Set the watermark to a JSON value, in the source plugin's state format (see `state show`).")
        @OptionGroup var location: PluginLocationOptions
        @Argument(help: "The entry id.") var entry: String
        @Argument(help: "The new state, as JSON text, e.g. '{\"offset\": 0}'.") var value: String

        func run() throws {
            do {
                _ = try JSONValue(parsing: value)
            } catch {
                throw Console.usage("the state must be JSON text: \(error)")
            }
            let context = try location.loadContext()
            try StateCommand.requireEntry(entry, in: context)
            // As every state is stored: a secret value typed here is kept as its ${NAME}.
            try context.openState().overrideWatermark(entryID: entry, state: context.manifest.secretForm.stored(value))
            print("\(entry): watermark set; the next run starts from it")
        }
    }

    static func requireEntry(_ id: String, in context: ManifestContext) throws {
        do {
            _ = try context.selectEntries([id])
        } catch {
            throw Console.usage("\(error)")
        }
    }
}
