import Foundation

/// An SVG of one replay: demand, ready capacity (in load units) and the policy's forecast over
/// time, with minutes of unmet demand marked. Each pixel column shows the mean of its minutes.
public struct SimulationChart: Sendable {
    public let timeline: SimulationTimeline
    public let unitCapacity: Double
    public let title: String
    public var width = 1200.0
    public var height = 440.0

    public init(timeline: SimulationTimeline, unitCapacity: Double, title: String) {
        self.timeline = timeline
        self.unitCapacity = unitCapacity
        self.title = title
    }

    private let left = 70.0, right = 20.0, top = 40.0, bottom = 70.0

    public func svg(minutes requested: Range<Int>) -> String {
        let minutes = requested.clamped(to: 0..<timeline.demand.count)
        let columns = max(1, Int(width - left - right))
        let perColumn = max(1, (minutes.count + columns - 1) / columns)
        let buckets = stride(from: minutes.lowerBound, to: minutes.upperBound, by: perColumn).map {
            $0..<min($0 + perColumn, minutes.upperBound)
        }
        let demand = buckets.map { mean(timeline.demand[$0]) }
        let capacity = buckets.map { mean(timeline.readyCapacity[$0].map { Double($0) * unitCapacity }) }
        let forecast = buckets.map { mean(timeline.forecastLoad[$0]) }
        let unmet = buckets.map { range in range.contains { minute in
            let value = timeline.demand[minute]
            return !value.isNaN && value > Double(timeline.readyCapacity[minute]) * unitCapacity + 1e-9
        } }
        let peak = ([demand, capacity, forecast].joined().filter { !$0.isNaN }.max() ?? 1) * 1.05
        let scale = Scale(left: left, top: top, width: width - left - right, height: height - top - bottom,
                          count: buckets.count, peak: max(peak, 1e-9))

        var body = header()
        body += axes(scale: scale, minutes: minutes, perColumn: perColumn)
        body += unmet.enumerated().filter(\.element).map { index, _ in
            let x = scale.x(index)
            return "<line x1=\"\(f(x))\" y1=\"\(f(height - bottom))\" x2=\"\(f(x))\" y2=\"\(f(height - bottom + 6))\" stroke=\"#d62728\"/>"
        }.joined(separator: "\n")
        body += polyline(demand, scale: scale, color: "#1f77b4", width: 1, dash: nil)
        body += polyline(capacity, scale: scale, color: "#ff7f0e", width: 1.5, dash: nil)
        body += polyline(forecast, scale: scale, color: "#2ca02c", width: 1.2, dash: "4 3")
        body += legend()
        return body + "</svg>\n"
    }

    private struct Scale {
        let left, top, width, height: Double
        let count: Int
        let peak: Double
        func x(_ index: Int) -> Double { left + width * Double(index) / Double(max(1, count - 1)) }
        func y(_ value: Double) -> Double { top + height * (1 - value / peak) }
    }

    private func header() -> String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(f(width))" height="\(f(height))" viewBox="0 0 \(f(width)) \(f(height))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(f(left))" y="22" font-size="15">\(escaped(title))</text>

        """
    }

    private func axes(scale: Scale, minutes: Range<Int>, perColumn: Int) -> String {
        var parts: [String] = []
        let base = height - bottom
        parts.append("<line x1=\"\(f(left))\" y1=\"\(f(base))\" x2=\"\(f(width - right))\" y2=\"\(f(base))\" stroke=\"black\"/>")
        parts.append("<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(base))\" stroke=\"black\"/>")
        for tick in 0...5 {
            let value = scale.peak * Double(tick) / 5
            let y = scale.y(value)
            parts.append("<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(width - right))\" y2=\"\(f(y))\" stroke=\"#ddd\"/>")
            parts.append("<text x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(String(format: "%.0f", value))</text>")
        }
        parts.append("<text transform=\"translate(16 \(f(top + scale.height / 2))) rotate(-90)\" text-anchor=\"middle\">load per minute (trace units)</text>")
        let days = max(1, minutes.count / 1440)
        let everyDays = max(1, days / 10)
        let firstMidnight = ((minutes.lowerBound + startOffsetMinutes + 1439) / 1440) * 1440 - startOffsetMinutes
        for minute in stride(from: firstMidnight, to: minutes.upperBound, by: 1440 * everyDays) {
            let x = left + scale.width * Double(minute - minutes.lowerBound) / Double(max(1, minutes.count - 1))
            let date = timeline.start.addingTimeInterval(Double(minute) * 60)
            parts.append("<line x1=\"\(f(x))\" y1=\"\(f(top))\" x2=\"\(f(x))\" y2=\"\(f(base))\" stroke=\"#eee\"/>")
            parts.append("<text x=\"\(f(x))\" y=\"\(f(base + 20))\" text-anchor=\"middle\">\(dayLabel(date))</text>")
        }
        parts.append("<text x=\"\(f(left + scale.width / 2))\" y=\"\(f(base + 40))\" text-anchor=\"middle\">day (UTC, midnight gridlines); each point is the mean of \(perColumn) min; red ticks: minutes with unmet demand</text>")
        return parts.joined(separator: "\n") + "\n"
    }

    /// Minutes from the previous UTC midnight to the timeline's start.
    private var startOffsetMinutes: Int {
        Int(timeline.start.timeIntervalSince1970 / 60) % 1440
    }

    private func legend() -> String {
        let entries = [("demand", "#1f77b4", ""), ("ready capacity × unit capacity", "#ff7f0e", ""),
                       ("forecast used for sizing", "#2ca02c", " stroke-dasharray=\"4 3\"")]
        var x = left
        return entries.map { name, color, dash in
            defer { x += Double(name.count) * 7 + 50 }
            return "<line x1=\"\(f(x))\" y1=\"\(f(height - 12))\" x2=\"\(f(x + 24))\" y2=\"\(f(height - 12))\" stroke=\"\(color)\" stroke-width=\"2\"\(dash)/>"
                + "<text x=\"\(f(x + 30))\" y=\"\(f(height - 8))\">\(name)</text>"
        }.joined(separator: "\n") + "\n"
    }

    private func polyline(_ values: [Double], scale: Scale, color: String, width: Double, dash: String?) -> String {
        // A gap (NaN) breaks the line rather than drawing through unknown minutes.
        var segments: [[String]] = [[]]
        for (index, value) in values.enumerated() {
            if value.isNaN {
                if !(segments.last?.isEmpty ?? true) { segments.append([]) }
                continue
            }
            segments[segments.count - 1].append("\(f(scale.x(index))),\(f(scale.y(value)))")
        }
        let dashAttribute = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
        return segments.filter { !$0.isEmpty }.map {
            "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"\(width)\"\(dashAttribute) points=\"\($0.joined(separator: " "))\"/>"
        }.joined(separator: "\n") + "\n"
    }

    private func mean(_ values: some Collection<Double>) -> Double {
        var sum = 0.0, count = 0.0
        for value in values where !value.isNaN { sum += value; count += 1 }
        return count > 0 ? sum / count : .nan
    }

    private func dayLabel(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970)
        let days = seconds / 86_400
        let (year, month, day) = civil(fromDays: days)
        return String(format: "%04d-%02d-%02d", year, month, day)
    }

    /// Inverse of days-from-civil (Howard Hinnant's algorithm).
    private func civil(fromDays days: Int) -> (Int, Int, Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private func f(_ value: Double) -> String { String(format: "%.1f", value) }

    private func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
    }
}
