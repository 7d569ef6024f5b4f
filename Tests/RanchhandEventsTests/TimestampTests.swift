import Testing
import RanchhandEvents

@Suite struct TimestampTests {
    @Test(arguments: [
        ("2020-07-01T22:19:58Z", "2020-07-01T22:19:58Z"),
        ("2021-01-13T00:12:37.214Z", "2021-01-13T00:12:37.214Z"),
        ("2019-10-02T17:04:40.989+0000", "2019-10-02T17:04:40.989Z"),
        ("2019-10-02T17:04:40+0000", "2019-10-02T17:04:40Z"),
        ("2021-04-15T18:41:59.710+02:00", "2021-04-15T16:41:59.710Z"),
        ("2021-04-15T01:00:00-05:00", "2021-04-15T06:00:00Z"),
        ("2024-02-29T23:59:59.5+00", "2024-02-29T23:59:59.5Z"),
        ("2015-12-31T23:30:00.000-01:00", "2016-01-01T00:30:00.000Z"),
        ("1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z"),
        ("1969-12-31T23:59:59Z", "1969-12-31T23:59:59Z"),
    ])
    func rendersInUTCKeepingItsPrecision(input: String, expected: String) throws {
        let timestamp = try #require(Timestamp(parsing: input))
        #expect(timestamp.rfc3339UTC == expected)
        #expect(timestamp.original == input)
    }

    @Test func epochSecondsAreExact() throws {
        #expect(try #require(Timestamp(parsing: "2021-01-13T00:12:37.214Z")).epochSeconds == 1_610_496_757)
        #expect(try #require(Timestamp(parsing: "1969-12-31T23:59:59Z")).epochSeconds == -1)
        let date = try #require(Timestamp(parsing: "2021-01-13T00:12:37.250Z")).date
        #expect(abs(date.timeIntervalSince1970 - 1_610_496_757.25) < 0.000_1)
    }

    @Test(arguments: [
        "", "yyyy-mm-ddThh:mm:ssZ", "2021-02-30T00:00:00Z", "2021-13-01T00:00:00Z", "2021-01-01T24:00:00Z",
        "2021-01-01T00:00:00", "2021-01-01 00:00:00Z", "2021-01-01T00:00:00.Z", "2021-01-01T00:00:00Zjunk",
        "2021-01-01T00:00:00+2400", "2019-10-02T17:04:40.989+00:0",
    ])
    func rejectsWhatIsNotADate(input: String) {
        #expect(Timestamp(parsing: input) == nil)
    }

    @Test func ordersByInstant() throws {
        let earlier = try #require(Timestamp(parsing: "2021-04-15T18:41:59+02:00"))
        let later = try #require(Timestamp(parsing: "2021-04-15T17:00:00Z"))
        #expect(earlier < later)
    }
}
