import Foundation
import Testing
import RanchhandEvents

/// Deterministic mutations of every fixture: truncations, byte flips, wrong types, huge strings and
/// deep nesting must end in records or a typed error — never a crash — and every line printed for
/// a surviving record must still be valid JSON. (The libFuzzer harness in Fuzz/ explores further.)
@Suite struct MutationTests {
    static let seeds: [[UInt8]] = ((try? Repository.fixturePaths()) ?? []).compactMap {
        try? Array(Data(contentsOf: Repository.events.appendingPathComponent($0)))
    }

    @Test func fixturesAreThere() {
        #expect(Self.seeds.count >= 60)
    }

    @Test func mutatedInputsNeverCrash() throws {
        var random = SplitMix64(seed: 0x5EED_2026)
        var decodedRecords = 0, typedErrors = 0
        for seed in Self.seeds where !seed.isEmpty {
            for _ in 0..<24 {
                let input = Mutator.mutate(seed, using: &random)
                switch Result(catching: { () throws(EventDecodingError) in try EventDecoder.decode(input) }) {
                case .success(let records):
                    for record in records {
                        if let summary = EventSummary(record) {
                            #expect((try? JSONValue.parse(summary.jsonLine)) != nil, "unparseable line \(summary.jsonLine)")
                            decodedRecords += 1
                        } else {
                            #expect(!(record.error?.description.isEmpty ?? true))
                            typedErrors += 1
                        }
                    }
                case .failure(let error):
                    #expect(!error.description.isEmpty)
                    typedErrors += 1
                }
            }
        }
        // Both outcomes must actually occur, or the mutations are not exercising the decoder.
        #expect(decodedRecords > 100)
        #expect(typedErrors > 100)
    }

    @Test func hugeAndDeepInputsAreTypedErrorsOrUnsupported() throws {
        let huge = String(repeating: "A", count: 4_000_000)
        let record = try EventDecoder.decode(#"{"Records":[{"messageId":"m","eventSource":"aws:sqs","body":"\#(huge)"}]}"#)
        #expect(record.first?.payload?.kind == .unsupported)
        let deep = String(repeating: #"{"a":"#, count: 100_000) + "1" + String(repeating: "}", count: 100_000)
        #expect(throws: EventDecodingError.self) { try EventDecoder.decode(deep) }
        let deepBody = String(repeating: "[", count: 50_000)
        let wrapped = try EventDecoder.decode(#"{"Type":"Notification","TopicArn":"t","Message":"\#(deepBody)"}"#)
        #expect(wrapped.first?.payload?.kind == .unsupported)
    }
}

/// A small deterministic PRNG so a failing mutation is reproducible from the seed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum Mutator {
    static func mutate(_ input: [UInt8], using random: inout SplitMix64) -> [UInt8] {
        var bytes = input
        switch Int.random(in: 0..<6, using: &random) {
        case 0:
            bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &random)))
        case 1:
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                bytes[Int.random(in: 0..<bytes.count, using: &random)] ^= UInt8.random(in: 1...255, using: &random)
            }
        case 2:
            bytes = replacingFirstStringValue(bytes, with: Array("12345".utf8), using: &random)
        case 3:
            bytes = replacingFirstStringValue(bytes, with: Array("\"\(String(repeating: "x", count: 40_000))\"".utf8), using: &random)
        case 4:
            let depth = Int.random(in: 100...1_200, using: &random)
            bytes = Array(repeating: UInt8(ascii: "["), count: depth) + bytes + Array(repeating: UInt8(ascii: "]"), count: depth)
        default:
            bytes = replacingFirstStringValue(bytes, with: Array("null".utf8), using: &random)
        }
        return bytes
    }

    /// Replaces the value after a randomly chosen `": "` with `replacement` (usually a string value).
    private static func replacingFirstStringValue(_ bytes: [UInt8], with replacement: [UInt8], using random: inout SplitMix64) -> [UInt8] {
        let colons = bytes.indices.filter { bytes[$0] == UInt8(ascii: ":") }
        guard let colon = colons.randomElement(using: &random) else { return bytes }
        var start = colon + 1
        while start < bytes.count, bytes[start] == UInt8(ascii: " ") { start += 1 }
        guard start < bytes.count, bytes[start] == UInt8(ascii: "\"") else { return bytes }
        var end = start + 1
        while end < bytes.count, bytes[end] != UInt8(ascii: "\"") || bytes[end - 1] == UInt8(ascii: "\\") { end += 1 }
        guard end < bytes.count else { return bytes }
        return Array(bytes[..<start]) + replacement + Array(bytes[(end + 1)...])
    }
}
