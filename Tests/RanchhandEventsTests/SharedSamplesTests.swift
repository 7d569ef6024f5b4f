import Foundation
import Testing
import RanchhandEvents

/// Cross-check against the verbatim public captures in ../shared/reference/samples/events. That
/// folder exists only in the development workspace, so the suite is skipped where it is absent;
/// its own expectation table makes it a real check where it runs.
@Suite(.enabled(if: SharedSamples.available, "../shared/reference/samples/events is not present here"))
struct SharedSamplesTests {
    static let samples = SharedSamples.folder
    static let table = Result {
        try ExpectationTable(contentsOf: Repository.root.appendingPathComponent("Tests/shared-samples-expected.json"))
    }
    static let names = ((try? FileManager.default.contentsOfDirectory(atPath: samples.path)) ?? [])
        .filter { $0.hasSuffix(".json") }.sorted()

    @Test func everySampleHasAnExpectation() throws {
        let table = try Self.table.get()
        #expect(Self.names.count == 30)
        #expect(Set(Self.names) == Set(table.entries.keys))
    }

    @Test(arguments: names)
    func sampleDecodesAsExpected(name: String) throws {
        let entry = try #require(try Self.table.get().entries[name])
        let bytes = Array(try Data(contentsOf: Self.samples.appendingPathComponent(name)))
        let outcome = DecodeOutcome(decoding: bytes)
        #expect(outcome.matches(entry), "\(name) decoded to:\n\(outcome)")
    }
}

enum SharedSamples {
    static let folder = Repository.root.deletingLastPathComponent().appendingPathComponent("shared/reference/samples/events")
    static let available = FileManager.default.fileExists(atPath: folder.path)
}
