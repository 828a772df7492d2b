import Foundation

/// The DAG of entries (`depends_on`) as inline SVG: one column per depth (an entry sits one
/// column right of its deepest upstream), arrows from each upstream to what depends on it,
/// each box coloured by the entry's last status.
package enum EntryGraphDiagram {
    static let boxWidth = 170.0, boxHeight = 36.0, columnGap = 70.0, rowGap = 14.0, margin = 10.0

    /// `entries`: id, upstreams and last status, in manifest (or id) order.
    package static func svg(_ entries: [(id: String, dependsOn: [String], status: String?)]) -> String {
        let graph = DependencyGraph(entries.map { (id: $0.id, dependsOn: $0.dependsOn) })
        let status = Dictionary(entries.map { ($0.id, $0.status) }, uniquingKeysWith: { first, _ in first })
        let depths = depths(graph)
        var rowsInColumn: [Int: Int] = [:]
        var position: [String: (x: Double, y: Double)] = [:]
        for id in graph.ids {
            let column = depths[id] ?? 0
            let row = rowsInColumn[column, default: 0]
            rowsInColumn[column] = row + 1
            position[id] = (margin + Double(column) * (boxWidth + columnGap), margin + Double(row) * (boxHeight + rowGap))
        }
        let columns = (depths.values.max() ?? 0) + 1
        let rows = rowsInColumn.values.max() ?? 1
        let width = 2 * margin + Double(columns) * boxWidth + Double(columns - 1) * columnGap
        let height = 2 * margin + Double(rows) * boxHeight + Double(max(0, rows - 1)) * rowGap
        var svg = """
            <svg class="dag" xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" \
            viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-label="Entries and their dependencies">\
            <defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" \
            orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead"/></marker></defs>
            """
        for id in graph.ids {
            guard let to = position[id] else { continue }
            for upstream in graph.upstreams(of: id) {
                guard let from = position[upstream] else { continue }
                let startX = from.x + boxWidth, startY = from.y + boxHeight / 2
                let endX = to.x, endY = to.y + boxHeight / 2
                let bend = max(20, (endX - startX) / 2)
                svg += """
                    <path d="M \(fmt(startX)) \(fmt(startY)) C \(fmt(startX + bend)) \(fmt(startY)), \(fmt(endX - bend)) \(fmt(endY)), \
                    \(fmt(endX)) \(fmt(endY))" class="edge" marker-end="url(#arrow)"/>
                    """
            }
        }
        for id in graph.ids {
            guard let box = position[id] else { continue }
            let last = status[id] ?? nil
            let shown = id.count > 22 ? String(id.prefix(21)) + "…" : id
            svg += """
                <g class="node \(RunCharts.barClass(last ?? "none"))\(last == nil ? " never" : "")"><title>\(HTMLText.escape("\(id): \(last ?? "never run")"))</title>\
                <rect x="\(fmt(box.x))" y="\(fmt(box.y))" width="\(fmt(boxWidth))" height="\(fmt(boxHeight))" rx="6"/>\
                <text x="\(fmt(box.x + 10))" y="\(fmt(box.y + 15))" class="node-id">\(HTMLText.escape(shown))</text>\
                <text x="\(fmt(box.x + 10))" y="\(fmt(box.y + 29))" class="node-status">\(HTMLText.escape(last ?? "never run"))</text></g>
                """
        }
        return svg + "</svg>"
    }

    /// Each entry's column: 0 without upstreams, else one more than its deepest upstream. An
    /// entry on a cycle (refused by `validate`, but a state may outlive a manifest) stops the walk.
    static func depths(_ graph: DependencyGraph) -> [String: Int] {
        var depth: [String: Int] = [:]
        var visiting: Set<String> = []
        func visit(_ id: String) -> Int {
            if let known = depth[id] { return known }
            guard visiting.insert(id).inserted else { return 0 }
            let value = graph.upstreams(of: id).map { visit($0) + 1 }.max() ?? 0
            visiting.remove(id)
            depth[id] = value
            return value
        }
        for id in graph.ids { _ = visit(id) }
        return depth
    }

    static func fmt(_ value: Double) -> String { String(format: "%.1f", value) }
}
