import ETLArrow
import Foundation

/// Where an entry's transforms meet the engine: checks them against the stream's schema before
/// the sink begins (a mistake fails the entry as a configuration error, exit 78), gives the sink
/// the output schema, and rewrites each batch, adding the rows it could not convert to the
/// batch's rejects so they count against max_rejects like a source's.
struct EntryTransformStage {
    private let plan: TransformPlan?
    /// The schema the sink's load request carries.
    let outputSchema: ArrowSchemaDescription
    /// The batches' last column flags deletes (`delete_when` of a merge or scd2 load): the load
    /// options name it as `delete_column`.
    let deleteColumn: String?

    /// `writeMode` is the load's (a full refresh may replace where the entry merges), which says
    /// how the rows `delete_when` matches reach the sink (DeleteFlagStep).
    init(entry: ControlEntry, writeMode: WriteMode, schema: ArrowSchemaDescription, runID: String, started: Date) throws(TransformError) {
        let deleteHandling = entry.deleteWhen.map { _ in DeleteFlagStep.Handling(for: writeMode) }
        let flagColumn = deleteHandling == .flag ? DeleteRule.flagColumn : nil
        deleteColumn = flagColumn
        guard !entry.transforms.isEmpty || entry.deleteWhen != nil else {
            plan = nil
            outputSchema = schema
            return
        }
        let info = TransformRunInfo(runID: runID, startedMicros: Int64((started.timeIntervalSince1970 * 1_000_000).rounded()))
        // The read asked for positions (ReadRequest.forEntry) and SourceReadStream.schema made sure
        // they came last: the steps see the source's own columns, and `source_position` the rest.
        var sourceColumns = schema
        let positionsArrive = entry.asksSourcePositions && sourceColumns.fields.last?.name == ReadRequest.positionColumnName
        if positionsArrive { sourceColumns.fields.removeLast() }
        let deleteWhen = entry.deleteWhen.flatMap { rule in deleteHandling.map { (rule, $0) } }
        let plan = try TransformPlan(entry.transforms, deleteWhen: deleteWhen, schema: sourceColumns, info: info, positionsArrive: positionsArrive)
        // The flag column is no column of the target: neither a key nor a cursor.
        let columns = plan.outputSchema.fields.map(\.name).filter { $0 != flagColumn }
        let names = Set(columns)
        for key in entry.primaryKey where !names.contains(key) {
            throw TransformError("\(entry.jsonPath).primary_key", "the transforms leave no column \"\(key)\"; primary_key names the columns the sink receives, after transforms (columns: \(columns.map { "\"\($0)\"" }.joined(separator: ", ")))")
        }
        if entry.mode == .incremental, let cursor = entry.cursorField, !cursor.hasPrefix("$"), !names.contains(cursor) {
            throw TransformError("\(entry.jsonPath).cursor_field", "the transforms remove the cursor column \"\(cursor)\"; an incremental entry's cursor column must reach the sink under its source name")
        }
        self.plan = plan
        outputSchema = plan.outputSchema
    }

    /// Runs the transforms on the reader's thread (see BatchReadAhead), so they overlap the sink's writes.
    var readAheadTransform: ((BatchReadAhead.Item) throws -> BatchReadAhead.Item)? {
        guard plan != nil else { return nil }
        return { item in try apply(item) }
    }

    /// The batch as the sink should receive it, with the rows the transforms rejected.
    func apply(_ item: BatchReadAhead.Item) throws(ArrowError) -> BatchReadAhead.Item {
        guard let plan else { return item }
        let (batch, rejects) = try plan.apply(item.batch)
        return BatchReadAhead.Item(batch: batch, rejects: item.rejects + rejects, checkpoint: item.checkpoint, sourceRows: item.sourceRows)
    }
}
