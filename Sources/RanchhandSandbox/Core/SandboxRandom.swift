/// SplitMix64: a small seeded generator, so fault probabilities, tokens and ids repeat run to run.
public struct SandboxRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// `count` characters drawn from `alphabet`.
    public mutating func string(_ count: Int, from alphabet: String) -> String {
        let characters = Array(alphabet)
        return String((0..<count).map { _ in characters[Int(next() % UInt64(characters.count))] })
    }

    /// Rancher's token alphabet (wrangler randomtoken): no vowels, no look-alikes.
    public static let tokenAlphabet = "bcdfghjklmnpqrstvwxz2456789"
    public static let lowercaseAlphanumerics = "abcdefghijklmnopqrstuvwxyz0123456789"
}
