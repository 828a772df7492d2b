import ETLArrow
import ETLJSON

/// An entry's transforms checked against the source's columns: the schema the sink receives,
/// and how each batch becomes that schema. Rows a step cannot process leave the batch as
/// rejects (reason: the step's JSON path, the column and the value); `filter` drops rows silently.
package final class TransformPlan {
    /// The columns the source sends.
    package let inputSchema: ArrowSchemaDescription
    /// The columns the sink receives.
    package let outputSchema: ArrowSchemaDescription
    private let steps: [CompiledStep]
    private let info: TransformRunInfo
    /// Whether the output ends with the delete flag column (DeleteFlagStep, `.flag`).
    private let flagsDeletes: Bool
    /// Rows seen so far in the run, so a reject's position counts through the whole stream.
    private var rowsSeen = 0
    /// Whether each batch ends with the source's `_etl_position` column, which the steps never
    /// see as a column: `metadata`'s `source_position` copies it, and rejects name it.
    private let positionsArrive: Bool

    /// Checks `deleteWhen` (see DeleteFlagStep) against `schema` (the source's columns, without
    /// `_etl_position`), then `transforms`; throws the first mistake with its JSON path.
    /// - Parameter positionsArrive: batches carry `_etl_position` after the columns of `schema`.
    package init(
        _ transforms: [ManifestTransform], deleteWhen: (rule: DeleteRule, handling: DeleteFlagStep.Handling)? = nil,
        schema: ArrowSchemaDescription, info: TransformRunInfo, positionsArrive: Bool = false
    ) throws(TransformError) {
        inputSchema = schema
        self.info = info
        self.positionsArrive = positionsArrive
        var compiled: [CompiledStep] = []
        if let deleteWhen {
            compiled.append(try DeleteFlagStep.compile(deleteWhen.rule, handling: deleteWhen.handling, schema: schema))
        }
        var current = schema
        for transform in transforms {
            if deleteWhen != nil, DeleteFlagStep.namesFlag(transform.step) {
                throw TransformError("\(transform.jsonPath).\(transform.step.name)", DeleteFlagStep.reservedMessage)
            }
            var compiler = TransformStepCompiler(schema: current, transform: transform)
            compiled.append(try compiler.compile())
            current = compiler.schema
        }
        if let deleteWhen {
            // No step can name the flag, so a column of its name here is the source's.
            if current.fields.contains(where: { $0.name == DeleteRule.flagColumn }) {
                throw TransformError(deleteWhen.rule.jsonPath, "the source sends a column \"\(DeleteRule.flagColumn)\", the name under which the delete flag travels to the sink; rename or drop that column in the transforms")
            }
            if deleteWhen.handling == .flag { current.fields.append(ArrowField(name: DeleteRule.flagColumn, type: .bool)) }
        }
        flagsDeletes = deleteWhen?.handling == .flag
        steps = compiled
        outputSchema = current
    }

    /// The output schema alone: what `validate` uses when the source's columns are known.
    package static func check(
        _ transforms: [ManifestTransform], deleteWhen: DeleteRule? = nil, schema: ArrowSchemaDescription
    ) throws(TransformError) -> ArrowSchemaDescription {
        try TransformPlan(transforms, deleteWhen: deleteWhen.map { ($0, .flag) }, schema: schema,
                          info: TransformRunInfo(runID: "", startedMicros: 0)).outputSchema
    }

    /// The transformed table and the rows rejected on the way.
    package func apply(_ batch: TransformTable) -> (table: TransformTable, rejects: [SourceReject]) {
        var input = batch
        let positions = positionsArrive ? input.columns.popLast() : nil
        var table = input
        // Where each remaining row came from in `input`, for positions and the raw row of rejects.
        var origin = Array(0..<input.rowCount)
        var rejects: [SourceReject] = []
        // The source's own position of a row when it sent them ("data.csv:17"), else its place in the stream.
        let rowsBefore = rowsSeen
        func position(_ row: Int) -> String {
            positions?.value(at: row).text ?? "stream row \(rowsBefore + row + 1)"
        }
        for step in steps where table.rowCount > 0 {
            let context = StepContext(run: info, sourcePositions: positions, origin: origin, sourceRowCount: input.rowCount)
            switch step.apply(&table, context) {
            case .failures(let failures):
                guard !failures.isEmpty else { continue }
                for row in failures.keys.sorted() {
                    rejects.append(SourceReject(
                        position: position(origin[row]), raw: Self.raw(input, row: origin[row]), reason: failures[row]!))
                }
                let keep = (0..<table.rowCount).map { failures[$0] == nil }
                table.keepRows(keep)
                origin = origin.indices.filter { keep[$0] }.map { origin[$0] }
            case .keep(var keep, let failures):
                for row in failures.keys.sorted() {
                    rejects.append(SourceReject(
                        position: position(origin[row]), raw: Self.raw(input, row: origin[row]), reason: failures[row]!))
                    keep[row] = false
                }
                table.keepRows(keep)
                origin = origin.indices.filter { keep[$0] }.map { origin[$0] }
            case .expanded(let origins, let failures):
                for row in failures.keys.sorted() {
                    rejects.append(SourceReject(
                        position: position(origin[row]), raw: Self.raw(input, row: origin[row]), reason: failures[row]!))
                }
                origin = origins.map { origin[$0] }
            }
        }
        rowsSeen += input.rowCount
        if flagsDeletes, table.rowCount > 0 { table.columns.append(DeleteFlagStep.flagColumn(table)) }
        // Steps set types as they run, but a batch emptied early skipped the rest: give it the plan's columns.
        if table.rowCount == 0 {
            table = TransformTable(columns: outputSchema.fields.map { field in
                var column = TransformColumn(name: field.name, type: field.type, values: [])
                column.extensionName = field.extensionName
                return column
            }, rowCount: 0)
        }
        return (table, rejects)
    }

    /// Transforms an imported batch into a batch of `outputSchema`.
    package func apply(_ batch: ImportedRecordBatch) throws(ArrowError) -> (batch: ImportedRecordBatch, rejects: [SourceReject]) {
        let (table, rejects) = apply(TransformTable(batch))
        return (try table.batch(), rejects)
    }

    /// The source row as a JSON object of texts, for etl_rejects' raw column.
    private static func raw(_ table: TransformTable, row: Int) -> String {
        JSONValue.object(JSONObject(table.columns.map { column in
            (column.name, column.value(at: row).text.map(JSONValue.string) ?? .null)
        })).serialized()
    }
}
