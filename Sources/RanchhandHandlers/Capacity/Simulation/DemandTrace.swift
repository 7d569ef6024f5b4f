import Foundation

/// A load trace on a one-minute grid. A bucket coarser than a minute is spread evenly over its
/// minutes (which hides peaks inside the bucket); absent rows stay unknown (`nil`), never zero.
public struct DemandTrace: Sendable {
    public let start: Date
    /// Demand per minute in trace units; nil where the trace has no row.
    public let demand: [Double?]
    /// The trace's bucket width in minutes (the most common spacing of its rows).
    public let bucketMinutes: Int

    public init(start: Date, demand: [Double?], bucketMinutes: Int = 1) {
        self.start = start
        self.demand = demand
        self.bucketMinutes = bucketMinutes
    }

    public var minutes: Int { demand.count }

    /// The known minutes as metric samples (what a datastore would return), in time order.
    public var samples: [MetricSample] {
        demand.enumerated().compactMap { minute, value in
            value.map { MetricSample(time: start.addingTimeInterval(Double(minute) * 60), value: $0) }
        }
    }

    /// Parses `timestamp,value` CSV (a header line is optional).
    public static func parseCSV(_ text: String, source: String) throws(CapacityError) -> DemandTrace {
        var rows: [(minute: Int, value: Double)] = []
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty || (lineNumber == 1 && trimmed.lowercased().hasPrefix("timestamp")) { continue }
            let fields = trimmed.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == 2 else {
                throw .invalidTrace(source: source, line: lineNumber, message: "expected 2 fields, found \(fields.count)")
            }
            guard let seconds = UTCTimestamp.seconds(fields[0]) else {
                throw .invalidTrace(source: source, line: lineNumber, message: "unreadable timestamp '\(fields[0])'")
            }
            guard let value = Double(fields[1].trimmingCharacters(in: .whitespaces)), value.isFinite, value >= 0 else {
                throw .invalidTrace(source: source, line: lineNumber, message: "value '\(fields[1])' is not a non-negative number")
            }
            let minute = Int((seconds / 60).rounded(.down))
            if let previous = rows.last, minute <= previous.minute {
                throw .invalidTrace(source: source, line: lineNumber, message: "timestamps must increase")
            }
            rows.append((minute, value))
        }
        guard let first = rows.first, let last = rows.last else {
            throw .invalidTrace(source: source, line: lineNumber, message: "no data rows")
        }
        let step = mostCommonSpacing(rows.map(\.minute))
        var demand = [Double?](repeating: nil, count: last.minute - first.minute + step)
        for (index, row) in rows.enumerated() {
            let next = index + 1 < rows.count ? rows[index + 1].minute : row.minute + step
            let width = min(step, next - row.minute)
            for minute in row.minute..<(row.minute + width) {
                demand[minute - first.minute] = row.value / Double(width)
            }
        }
        return DemandTrace(start: Date(timeIntervalSince1970: Double(first.minute) * 60), demand: demand, bucketMinutes: step)
    }

    private static func mostCommonSpacing(_ minutes: [Int]) -> Int {
        var counts: [Int: Int] = [:]
        for (earlier, later) in zip(minutes, minutes.dropFirst()) { counts[later - earlier, default: 0] += 1 }
        return counts.max { $0.value == $1.value ? $0.key > $1.key : $0.value < $1.value }?.key ?? 1
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.fff]Z` to seconds since the epoch, without a formatter (traces have
/// hundreds of thousands of rows).
enum UTCTimestamp {
    static func seconds(_ text: Substring) -> Double? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.last == UInt8(ascii: "Z"), bytes[4] == UInt8(ascii: "-"),
              bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "),
              bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":")
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let digit = Int(bytes[index]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var fraction = 0.0
        if bytes.count > 20 {
            guard bytes[19] == UInt8(ascii: "."), let digits = number(20..<(bytes.count - 1)) else { return nil }
            fraction = Double(digits) / pow(10, Double(bytes.count - 21))
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        return Double(days * 86_400 + hour * 3600 + minute * 60 + second) + fraction
    }

    /// Days since 1970-01-01 (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
