/// The Prometheus text exposition format (version 0.0.4), rendered directly.
///
/// Why not swift-prometheus: it is built around a registry that lives in a long-running
/// process and is scraped; `--metrics-file` writes a snapshot once per run for node_exporter's
/// textfile collector, which needs no registry, no clock and no concurrency — only the few
/// escaping rules below. `serve` can render its `/metrics` page with the same function.
package enum PrometheusText {
    /// One metric family: its samples share a name, a HELP line and a TYPE line.
    package struct Family: Sendable {
        package enum Kind: String, Sendable {
            case gauge, counter
        }

        package var name: String
        package var help: String
        package var kind: Kind
        package var samples: [Sample]

        package init(name: String, help: String, kind: Kind = .gauge, samples: [Sample]) {
            self.name = name
            self.help = help
            self.kind = kind
            self.samples = samples
        }
    }

    /// One line: labels (name, value) and a value.
    package struct Sample: Sendable {
        package var labels: [(name: String, value: String)]
        package var value: Double

        package init(labels: [(name: String, value: String)], value: Double) {
            self.labels = labels
            self.value = value
        }
    }

    /// The families as exposition text; families without samples are left out (a HELP line
    /// with nothing under it only confuses).
    package static func render(_ families: [Family]) -> String {
        var text = ""
        for family in families where !family.samples.isEmpty {
            text += "# HELP \(family.name) \(escapeHelp(family.help))\n"
            text += "# TYPE \(family.name) \(family.kind.rawValue)\n"
            for sample in family.samples {
                text += family.name
                if !sample.labels.isEmpty {
                    text += "{" + sample.labels.map { "\($0.name)=\"\(escapeLabelValue($0.value))\"" }.joined(separator: ",") + "}"
                }
                text += " \(number(sample.value))\n"
            }
        }
        return text
    }

    /// In HELP text a backslash and a line break are escaped.
    static func escapeHelp(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// In a label value a backslash, a double quote and a line break are escaped.
    package static func escapeLabelValue(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    /// Whole numbers without a fraction (row counts, timestamps in seconds read better so);
    /// others as Swift's shortest round-trip text, which Go's ParseFloat reads; NaN and ±Inf as
    /// the format spells them.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 { return String(Int64(value)) }
        return "\(value)"
    }
}
