import ETLRuntimeCore

/// The entry locks one `run` holds. An entry that another run holds is named and left alone
/// while the others load (the run then exits 75 unless something worse happened); with
/// `--every`, it is tried again each round and loaded once it is free. Locks taken are kept
/// until the run ends.
final class RunLocks {
    private let folder: String
    private var held: [String: EntryLock] = [:]
    /// Entries already named as held by another run, so an `--every` loop says it once.
    private var named: Set<String> = []

    init(folder: String) {
        self.folder = folder
    }

    /// Takes the locks of `entries` that this run does not hold yet. Returns the entries it
    /// holds, in their order, and the ids of those another run holds.
    func acquire(_ entries: [ControlEntry]) throws -> (held: [ControlEntry], locked: [String]) {
        var locked: [String] = []
        for entry in entries where held[entry.id] == nil {
            do {
                held[entry.id] = try EntryLock(entryID: entry.id, folder: folder)
                named.remove(entry.id)
            } catch let busy as EntryLock.Held {
                locked.append(entry.id)
                if named.insert(entry.id).inserted {
                    Console.error("etl-runtime: entry \(busy.entryID) is already being run by \(busy.holder); this run leaves it alone")
                }
            }
        }
        return (entries.filter { held[$0.id] != nil }, locked)
    }

    /// Each held entry's lock descriptor, to pass down to its worker.
    var descriptors: [String: Int32] {
        held.mapValues(\.descriptor)
    }
}
