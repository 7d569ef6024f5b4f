import Testing
@testable import ranchhand_scale_in

/// `poll`'s delays are SQS visibility timeouts: 0 to 43,200 s, or the command refuses to start.
@Suite struct PollOptionsTests {
    @Test func holdAndRetryDelaysAreVisibilityTimeouts() throws {
        let base = ["--queue-url", "https://sqs.eu-west-1.amazonaws.com/123456789012/ranchhand-scale-in"]
        let defaults = try PollCommand.parse(base)
        #expect(defaults.holdDelay == 300 && defaults.retryDelay == 60)
        #expect(try PollCommand.parse(base + ["--hold-delay", "43200"]).holdDelay == 43200)
        for bad in [["--hold-delay", "43201"], ["--hold-delay", "-1"], ["--retry-delay", "50000"]] {
            #expect(throws: (any Error).self, "\(bad)") { try PollCommand.parse(base + bad) }
        }
    }
}
