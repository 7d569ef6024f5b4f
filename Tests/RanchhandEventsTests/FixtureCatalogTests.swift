import Foundation
import Testing
import RanchhandEvents

/// Every recorded fixture under `events/` decodes to exactly what `events/expected.json` says,
/// so each new capture is a regression test.
@Suite struct FixtureCatalogTests {
    static let table = Result { try ExpectationTable(contentsOf: Repository.events.appendingPathComponent("expected.json")) }
    static let paths = (try? Repository.fixturePaths()) ?? []

    @Test func everyFixtureHasAnExpectationAndViceVersa() throws {
        let table = try Self.table.get()
        #expect(Self.paths.count >= 60, "events/ should hold the recorded fixtures")
        let withoutEntry = Set(Self.paths).subtracting(table.entries.keys)
        let withoutFile = Set(table.entries.keys).subtracting(Self.paths)
        #expect(withoutEntry.isEmpty, "fixtures missing from events/expected.json: \(withoutEntry.sorted())")
        #expect(withoutFile.isEmpty, "expectations without a fixture: \(withoutFile.sorted())")
    }

    @Test(arguments: paths)
    func fixtureDecodesAsExpected(path: String) throws {
        let table = try Self.table.get()
        let entry = try #require(table.entries[path], "no expectation for \(path)")
        let bytes = Array(try Data(contentsOf: Repository.events.appendingPathComponent(path)))
        let outcome = DecodeOutcome(decoding: bytes)
        #expect(outcome.matches(entry), "\(path) decoded to:\n\(outcome)")
    }

    @Test func everyKindAndDeliveryIsCovered() throws {
        let table = try Self.table.get()
        let decoded = table.entries.values.flatMap(\.events)
        let kinds = Set(decoded.compactMap { $0["kind"]?.stringValue })
        #expect(kinds == Set(EventKind.allCases.map(\.rawValue)), "kinds without a fixture: \(Set(EventKind.allCases.map(\.rawValue)).subtracting(kinds))")
        let envelopes = Set(decoded.flatMap { $0["envelopes"]?.arrayValue ?? [] }.compactMap(\.stringValue))
        #expect(envelopes == Set(EnvelopeKind.allCases.map(\.rawValue)))
        let invalid = table.entries.filter { $0.key.hasPrefix("invalid/") }
        #expect(invalid.count >= 10 && invalid.allSatisfy { !$0.value.errorPaths.isEmpty })
    }
}
