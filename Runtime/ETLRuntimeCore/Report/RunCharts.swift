import Foundation

/// The report's charts as inline SVG, drawn here rather than by a script or a library from a
/// CDN: the file must show them with no network and no JavaScript.
package enum RunCharts {
    /// One point of a chart: a run, its value and how it ended.
    package struct Point: Sendable {
        package var label: String
        package var value: Double?
        package var status: String
    }

    static let width = 420.0, height = 150.0
    static let left = 56.0, right = 10.0, top = 14.0, bottom = 22.0

    /// Rows written per run as bars, oldest on the left; a failed run's bar is red.
    package static func rowsChart(_ runs: [RunRecord]) -> String {
        chart(
            title: "Rows written per run",
            points: runs.map { Point(label: "\($0.runID) \($0.startedAt): \($0.rowsWritten) rows, \($0.status)", value: Double($0.rowsWritten), status: $0.status) },
            style: .bars, unit: { formatCount($0) })
    }

    /// Each run's duration as a line with a dot per run; unfinished runs leave a gap.
    package static func durationChart(_ runs: [RunRecord]) -> String {
        chart(
            title: "Duration per run",
            points: runs.map { run in
                let seconds = ReportTime.seconds(from: run.startedAt, to: run.endedAt)
                return Point(
                    label: "\(run.runID) \(run.startedAt): \(seconds.map(ReportTime.span) ?? "not finished"), \(run.status)",
                    value: seconds, status: run.status)
            },
            style: .line, unit: { ReportTime.span($0) })
    }

    enum Style { case bars, line }

    static func chart(title: String, points: [Point], style: Style, unit: (Double) -> String) -> String {
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let maximum = max(points.compactMap(\.value).max() ?? 0, style == .bars ? 1 : 0.001)
        let step = points.isEmpty ? plotWidth : plotWidth / Double(points.count)
        func x(_ index: Int) -> Double { left + step * (Double(index) + 0.5) }
        func y(_ value: Double) -> Double { top + plotHeight * (1 - value / maximum) }
        var svg = """
            <svg class="chart" xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" \
            viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-label="\(HTMLText.escape(title))">\
            <title>\(HTMLText.escape(title))</title>\
            <line x1="\(left)" y1="\(top + plotHeight)" x2="\(width - right)" y2="\(top + plotHeight)" class="axis"/>\
            <line x1="\(left)" y1="\(top)" x2="\(left)" y2="\(top + plotHeight)" class="axis"/>\
            <text x="\(left - 4)" y="\(top + 4)" text-anchor="end" class="tick">\(HTMLText.escape(unit(maximum)))</text>\
            <text x="\(left - 4)" y="\(top + plotHeight)" text-anchor="end" class="tick">0</text>\
            <text x="\(left)" y="\(height - 6)" class="tick">oldest</text>\
            <text x="\(width - right)" y="\(height - 6)" text-anchor="end" class="tick">newest</text>
            """
        switch style {
        case .bars:
            let barWidth = max(1, step * 0.7)
            for (index, point) in points.enumerated() {
                let value = point.value ?? 0
                // A run that wrote nothing still gets a sliver, so every run shows.
                let barHeight = max(2, plotHeight * value / maximum)
                svg += """
                    <rect x="\(fmt(x(index) - barWidth / 2))" y="\(fmt(top + plotHeight - barHeight))" width="\(fmt(barWidth))" \
                    height="\(fmt(barHeight))" class="\(barClass(point.status))"><title>\(HTMLText.escape(point.label))</title></rect>
                    """
            }
        case .line:
            var segment: [String] = []
            var segments: [[String]] = []
            for (index, point) in points.enumerated() {
                if let value = point.value {
                    segment.append("\(fmt(x(index))),\(fmt(y(value)))")
                } else if !segment.isEmpty {
                    segments.append(segment)
                    segment = []
                }
            }
            if !segment.isEmpty { segments.append(segment) }
            for line in segments where line.count > 1 {
                svg += "<polyline points=\"\(line.joined(separator: " "))\" class=\"trend\"/>"
            }
            for (index, point) in points.enumerated() {
                guard let value = point.value else { continue }
                svg += """
                    <circle cx="\(fmt(x(index)))" cy="\(fmt(y(value)))" r="3.5" class="\(barClass(point.status))">\
                    <title>\(HTMLText.escape(point.label))</title></circle>
                    """
            }
        }
        return svg + "</svg>"
    }

    static func barClass(_ status: String) -> String {
        switch status {
        case "ok": "run-ok"
        case "running": "run-running"
        case "skipped": "run-skipped"
        // Never run: no colour of success or failure.
        case "none": "run-none"
        default: "run-failed"
        }
    }

    static func fmt(_ value: Double) -> String { String(format: "%.1f", value) }

    static func formatCount(_ value: Double) -> String {
        let whole = Int(value.rounded())
        if whole >= 1_000_000 { return String(format: "%.1fM", value / 1_000_000) }
        if whole >= 10_000 { return String(format: "%.0fk", value / 1_000) }
        return String(whole)
    }
}
