import Foundation

/// The two date forms SigV4 uses, always in UTC: `20150830T123600Z` for `X-Amz-Date` and the
/// string to sign, `20150830` for the credential scope. Fractions of a second are dropped.
public enum AMZDate {
    private static let timestampStyle = Date.ISO8601FormatStyle(
        dateSeparator: .omitted,
        dateTimeSeparator: .standard,
        timeSeparator: .omitted,
        timeZone: .gmt
    )

    public static func timestamp(_ date: Date) -> String {
        timestampStyle.format(date)
    }

    public static func dateStamp(_ date: Date) -> String {
        String(timestamp(date).prefix(8))
    }

    /// Reads `20150830T123600Z` back; `nil` for anything else. Tests use it to sign at the time a
    /// vector names.
    public static func date(fromTimestamp text: String) -> Date? {
        try? timestampStyle.parse(text)
    }
}
