#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An instant as AWS wrote it. AWS mixes `Z`, `.SSSZ`, `+0000` and `+00:00` (and one
/// formatter configuration never accepts all of them), so this parses them by hand and keeps the
/// fractional digits exactly, for printing the instant back in UTC without inventing precision.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Whole seconds since 1970-01-01T00:00:00Z.
    public let epochSeconds: Int64
    /// The fractional-second digits as written (`"214"` for `.214`, `""` when there were none).
    public let fractionDigits: String
    /// The text as received.
    public let original: String

    public init?(parsing text: String) {
        var parser = TimestampParser(Array(text.utf8))
        guard let parsed = parser.parse() else { return nil }
        epochSeconds = parsed.seconds
        fractionDigits = parsed.fraction
        original = text
    }

    public var date: Date {
        let fraction = fractionDigits.isEmpty ? 0 : Double("0.\(fractionDigits)") ?? 0
        return Date(timeIntervalSince1970: Double(epochSeconds) + fraction)
    }

    /// RFC 3339 in UTC with a `Z`, keeping the fractional digits it had.
    public var rfc3339UTC: String {
        let days = epochSeconds >= 0 ? epochSeconds / 86_400 : (epochSeconds - 86_399) / 86_400
        let secondOfDay = epochSeconds - days * 86_400
        let (year, month, day) = CivilCalendar.date(fromDaysSinceEpoch: days)
        let text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T"
            + pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay % 3600 / 60, 2) + ":" + pad(secondOfDay % 60, 2)
        return fractionDigits.isEmpty ? text + "Z" : text + "." + fractionDigits + "Z"
    }

    public var description: String { rfc3339UTC }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.date < rhs.date
    }

    public static func == (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.epochSeconds == rhs.epochSeconds && lhs.fractionDigits == rhs.fractionDigits
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(epochSeconds)
        hasher.combine(fractionDigits)
    }

    private func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

/// Proleptic Gregorian conversions (Howard Hinnant's algorithms): exact, and free of Calendar,
/// time zones and locale data.
enum CivilCalendar {
    static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func date(fromDaysSinceEpoch days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.f+](Z|±HH:MM|±HHMM|±HH)`; the offset is required, as AWS always sends one.
private struct TimestampParser {
    let bytes: [UInt8]
    var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func parse() -> (seconds: Int64, fraction: String)? {
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
              expect("T") || expect("t"), let hour = number(2), expect(":"), let minute = number(2),
              expect(":"), let second = number(2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= CivilCalendar.daysInMonth(year: year, month: month),
              hour <= 23, minute <= 59, second <= 60
        else { return nil }
        var fraction = ""
        if expect(".") {
            while position < bytes.count, isDigit(bytes[position]), fraction.count < 12 {
                fraction.append(Character(UnicodeScalar(bytes[position])))
                position += 1
            }
            if fraction.isEmpty { return nil }
        }
        guard let offset = offsetSeconds(), position == bytes.count else { return nil }
        let days = CivilCalendar.daysSinceEpoch(year: year, month: month, day: day)
        return (days * 86_400 + hour * 3600 + minute * 60 + second - offset, fraction)
    }

    private mutating func offsetSeconds() -> Int64? {
        if expect("Z") || expect("z") { return 0 }
        let sign: Int64
        if expect("+") { sign = 1 } else if expect("-") { sign = -1 } else { return nil }
        guard let hours = number(2), hours <= 23 else { return nil }
        var minutes: Int64 = 0
        if position < bytes.count {
            _ = expect(":")
            guard let parsed = number(2), parsed <= 59 else { return nil }
            minutes = parsed
        }
        return sign * (hours * 3600 + minutes * 60)
    }

    private mutating func number(_ width: Int) -> Int64? {
        guard position + width <= bytes.count else { return nil }
        var value: Int64 = 0
        for byte in bytes[position..<position + width] {
            guard isDigit(byte) else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        position += width
        return value
    }

    private mutating func expect(_ character: Unicode.Scalar) -> Bool {
        guard position < bytes.count, bytes[position] == UInt8(ascii: character) else { return false }
        position += 1
        return true
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
}
