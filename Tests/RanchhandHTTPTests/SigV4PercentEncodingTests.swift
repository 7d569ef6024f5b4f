import Testing

@testable import RanchhandHTTP

@Suite("RFC 3986 percent-encoding")
struct SigV4PercentEncodingTests {
    @Test("only A–Z a–z 0–9 - _ . ~ stay; everything else is %XX upper-case UTF-8", arguments: [
        ("AZaz09-_.~", "AZaz09-_.~"),
        ("a b", "a%20b"),
        ("a+b=c&d", "a%2Bb%3Dc%26d"),
        ("!*'()", "%21%2A%27%28%29"),
        ("/", "%2F"),
        ("%", "%25"),
        ("é", "%C3%A9"),
        ("ሴ", "%E1%88%B4"),
        ("😀", "%F0%9F%98%80"),
        ("", ""),
    ])
    func encodes(raw: String, encoded: String) {
        #expect(PercentEncoding.encode(raw) == encoded)
    }

    @Test("paths keep their slashes")
    func encodesPaths() {
        #expect(PercentEncoding.encodePath("/2013-04-01/hostedzone/Z1 2/rrset") == "/2013-04-01/hostedzone/Z1%202/rrset")
    }

    @Test("decode reverses encode, and rejects malformed escapes and non-UTF-8 bytes")
    func decodes() {
        #expect(PercentEncoding.decode("a%20b%2fc+d") == "a b/c+d")
        #expect(PercentEncoding.decode("%E1%88%B4") == "ሴ")
        #expect(PercentEncoding.decode("%2") == nil)
        #expect(PercentEncoding.decode("%zz") == nil)
        #expect(PercentEncoding.decode("%FF") == nil)
    }

    @Test("round trip over random strings, including non-ASCII")
    func roundTrip() {
        var random = SplitMix64(seed: 0x5167_4E43)
        let alphabet = Array("aZ09 -_.~!*'()/%+=&?#:;,@$ éüßሴ😀\t\n\"<>")
        for _ in 0..<500 {
            let length = Int(random.next() % 24)
            let raw = String((0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
            let encoded = PercentEncoding.encode(raw)
            #expect(encoded.utf8.allSatisfy { PercentEncoding.isUnreserved($0) || $0 == UInt8(ascii: "%") })
            #expect(PercentEncoding.decode(encoded) == raw)
        }
    }
}

/// A small seeded generator so property tests fail the same way every run.
private struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
