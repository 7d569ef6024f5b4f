import Foundation
import RanchhandHandlers

/// Instance-hours (relative to the oracle bound) against violation minutes, one panel per trace,
/// one line per policy: the iso-SLA frontiers of the report's second halves.
struct FrontierChart {
    let reports: [TraceReport]

    private let panelWidth = 420.0, panelHeight = 300.0, margin = 60.0
    private let colors = ["reactive": "#1f77b4", "aws-like": "#ff7f0e", "predictive": "#2ca02c"]
    private let minimumViolation = 0.01, maximumViolation = 20.0

    func svg() -> String {
        let columns = 2
        let rows = (reports.count + columns - 1) / columns
        let width = Double(columns) * (panelWidth + margin) + margin
        let height = Double(rows) * (panelHeight + margin) + 80
        var parts = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" font-family=\"sans-serif\" font-size=\"12\">",
            "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
            "<text x=\"\(f(margin))\" y=\"24\" font-size=\"15\">Cost at equal quality (second half of each scored window): instance-hours ÷ oracle vs violation minutes</text>",
        ]
        for (index, report) in reports.enumerated() {
            let x = margin + Double(index % columns) * (panelWidth + margin)
            let y = 50 + Double(index / columns) * (panelHeight + margin)
            parts.append(panel(report, x: x, y: y))
        }
        var legendX = margin
        for name in ["reactive", "aws-like", "predictive"] {
            parts.append("<line x1=\"\(f(legendX))\" y1=\"\(f(height - 16))\" x2=\"\(f(legendX + 24))\" y2=\"\(f(height - 16))\" stroke=\"\(colors[name]!)\" stroke-width=\"2\"/><text x=\"\(f(legendX + 30))\" y=\"\(f(height - 12))\">\(name)</text>")
            legendX += 130
        }
        parts.append("<text x=\"\(f(legendX))\" y=\"\(f(height - 12))\">dashed: 0.1 % and 1 % violation minutes; dots: swept target utilisations</text>")
        parts.append("<text x=\"\(f(margin))\" y=\"\(f(height - 36))\" fill=\"#555\">Points below 0.01 % violation are drawn at the left edge; cost is clipped at 8× the oracle.</text>")
        return parts.joined(separator: "\n") + "\n</svg>\n"
    }

    private func panel(_ report: TraceReport, x: Double, y: Double) -> String {
        let oracle = report.rows.first?.oracleHours ?? 1
        let ratios = report.frontiers.values.flatMap { $0.points.map { $0.instanceHours / oracle } }
        let top = min(8, (ratios.max() ?? 2)) * 1.05
        let bottom = max(0.9, (ratios.min() ?? 1) * 0.95)
        func px(_ violation: Double) -> Double {
            let clamped = min(maximumViolation, max(minimumViolation, violation))
            return x + panelWidth * log10(clamped / minimumViolation) / log10(maximumViolation / minimumViolation)
        }
        func py(_ ratio: Double) -> Double { y + panelHeight * (1 - (min(top, ratio) - bottom) / (top - bottom)) }
        var parts = ["<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(panelWidth))\" height=\"\(f(panelHeight))\" fill=\"none\" stroke=\"black\"/>",
                     "<text x=\"\(f(x))\" y=\"\(f(y - 6))\" font-size=\"13\">\(report.trace.name)</text>"]
        for violation in [0.01, 0.1, 1, 10] {
            parts.append("<text x=\"\(f(px(violation)))\" y=\"\(f(y + panelHeight + 16))\" text-anchor=\"middle\">\(violation) %</text>")
        }
        for level in [0.1, 1.0] {
            parts.append("<line x1=\"\(f(px(level)))\" y1=\"\(f(y))\" x2=\"\(f(px(level)))\" y2=\"\(f(y + panelHeight))\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>")
        }
        for tick in 0...4 {
            let ratio = bottom + (top - bottom) * Double(tick) / 4
            parts.append("<text x=\"\(f(x - 6))\" y=\"\(f(py(ratio) + 4))\" text-anchor=\"end\">\(fmt(ratio, 1))×</text>")
        }
        for name in ["reactive", "aws-like", "predictive"] {
            guard let frontier = report.frontiers[name] else { continue }
            let points = frontier.points.map { (px($0.violationPct), py($0.instanceHours / oracle)) }
            let line = points.map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " ")
            parts.append("<polyline fill=\"none\" stroke=\"\(colors[name]!)\" stroke-width=\"2\" points=\"\(line)\"/>")
            parts += points.map { "<circle cx=\"\(f($0.0))\" cy=\"\(f($0.1))\" r=\"2.5\" fill=\"\(colors[name]!)\"/>" }
        }
        return parts.joined(separator: "\n")
    }

    private func f(_ value: Double) -> String { String(format: "%.1f", value) }
}
