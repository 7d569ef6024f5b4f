import Foundation
import RanchhandClients
import Testing
@testable import RanchhandHTTP

/// A clock that never waits: sleeping moves its time forward and is recorded.
final class ManualClock: Clock, @unchecked Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private let lock = NSLock()
    private var current = Instant(offset: .zero)
    private var slept: [Duration] = []

    var now: Instant { lock.withLock { current } }
    var minimumResolution: Duration { .nanoseconds(1) }
    var sleeps: [Duration] { lock.withLock { slept } }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        lock.withLock {
            slept.append(deadline.offset - current.offset)
            current = max(current, deadline)
        }
    }

    func advance(by duration: Duration) { lock.withLock { current = current.advanced(by: duration) } }
}

@Suite struct RetryPolicyTests {
    static let throttled = ClientError(.service, service: "autoscaling", operation: "X", statusCode: 400, code: "Throttling", message: "Rate exceeded")
    static let lost = ClientError(.connectionLost, service: "route53", operation: "X", message: "connection reset")

    /// Runs `policy` over attempts that fail with `errors` in turn (then succeed), on a manual clock.
    static func run(_ policy: RetryPolicy, _ idempotency: Idempotency, errors: [ClientError], clock: ManualClock = ManualClock(),
                    deadline: ManualClock.Instant? = nil, random: Double = 1,
                    attemptCost: Duration = .zero) async -> (result: Result<Int, ClientError>, attempts: Int, clock: ManualClock) {
        let counter = Counter()
        let result: Result<Int, ClientError>
        do throws(ClientError) {
            let value = try await policy.run(idempotency, clock: clock, deadline: deadline, unitRandom: { random }) { () async throws(ClientError) -> Int in
                let attempt = counter.next()
                clock.advance(by: attemptCost)
                if attempt <= errors.count { throw errors[attempt - 1] }
                return attempt
            }
            result = .success(value)
        } catch {
            result = .failure(error)
        }
        return (result, counter.value, clock)
    }

    @Test func backoffStaysWithinFullJitterBounds() {
        let policy = RetryPolicy(maximumAttempts: 10, baseDelay: .milliseconds(100), maximumDelay: .seconds(2), maximumTotal: .seconds(60))
        for retry in 0..<8 {
            let ceiling = min(Duration.seconds(2), .milliseconds(100) * (1 << retry))
            #expect(policy.delay(beforeRetry: retry, unitRandom: 0) == .zero)
            #expect(policy.delay(beforeRetry: retry, unitRandom: 1) == ceiling)
            let middle = policy.delay(beforeRetry: retry, unitRandom: 0.5)
            #expect(middle > .zero && middle < ceiling)
        }
        #expect(policy.delay(beforeRetry: 40, unitRandom: 1) == .seconds(2))
        #expect(policy.delay(beforeRetry: 3, unitRandom: 7) == .milliseconds(800))
    }

    @Test func throttlingIsRetriedUntilSuccessWithGrowingWaits() async throws {
        let policy = RetryPolicy(maximumAttempts: 5, baseDelay: .milliseconds(100), maximumDelay: .seconds(20), maximumTotal: .seconds(60))
        let outcome = await Self.run(policy, .notIdempotent, errors: [Self.throttled, Self.throttled, Self.throttled])
        #expect(try outcome.result.get() == 4)
        #expect(outcome.clock.sleeps == [.milliseconds(100), .milliseconds(200), .milliseconds(400)])
    }

    @Test func attemptsAreBounded() async {
        let policy = RetryPolicy(maximumAttempts: 3, baseDelay: .milliseconds(10), maximumDelay: .seconds(1), maximumTotal: .seconds(60))
        let outcome = await Self.run(policy, .idempotent, errors: Array(repeating: Self.throttled, count: 10))
        #expect(outcome.attempts == 3)
        #expect(outcome.result == .failure(Self.throttled))
    }

    @Test func totalTimeBudgetStopsRetriesBeforeItIsExceeded() async {
        // Each attempt takes 4 s; waits are 1, 2, 4 s: the third wait would end past 15 s.
        let policy = RetryPolicy(maximumAttempts: 10, baseDelay: .seconds(1), maximumDelay: .seconds(30), maximumTotal: .seconds(15))
        let outcome = await Self.run(policy, .idempotent, errors: Array(repeating: Self.throttled, count: 10), attemptCost: .seconds(4))
        #expect(outcome.attempts == 3)
        #expect(outcome.clock.sleeps == [.seconds(1), .seconds(2)])
        #expect(outcome.clock.now.offset <= .seconds(15))
        #expect(outcome.result == .failure(Self.throttled))
    }

    @Test func callersDeadlineIsHonoured() async {
        let policy = RetryPolicy(maximumAttempts: 10, baseDelay: .seconds(1), maximumDelay: .seconds(30), maximumTotal: .seconds(600))
        let clock = ManualClock()
        let deadline = clock.now.advanced(by: .milliseconds(3500))
        let outcome = await Self.run(policy, .idempotent, errors: Array(repeating: Self.throttled, count: 10), clock: clock, deadline: deadline)
        // Waits of 1 s and 2 s end at 3 s; the next (4 s) would pass the deadline.
        #expect(outcome.clock.sleeps == [.seconds(1), .seconds(2)])
        #expect(outcome.attempts == 3)
        #expect(outcome.clock.now < deadline)
    }

    @Test func ambiguousFailuresAreRetriedOnlyForIdempotentCalls() async throws {
        let policy = RetryPolicy(maximumAttempts: 4, baseDelay: .milliseconds(1), maximumDelay: .milliseconds(1), maximumTotal: .seconds(5))
        let idempotent = await Self.run(policy, .idempotent, errors: [Self.lost])
        #expect(try idempotent.result.get() == 2)
        let notIdempotent = await Self.run(policy, .notIdempotent, errors: [Self.lost])
        #expect(notIdempotent.attempts == 1)
        #expect(notIdempotent.result == .failure(Self.lost))
        // Nothing was sent: safe to repeat anything.
        let refused = ClientError(.connectionFailed, service: "monitoring", operation: "PutMetricData", message: "refused")
        #expect(try (await Self.run(policy, .notIdempotent, errors: [refused])).result.get() == 2)
    }

    @Test func clientErrorsAreNotRetried() async {
        let policy = RetryPolicy.standard
        let invalid = ClientError(.service, service: "route53", operation: "ChangeResourceRecordSets", statusCode: 400,
                                  code: "InvalidChangeBatch", message: "already exists")
        let outcome = await Self.run(policy, .idempotent, errors: [invalid])
        #expect(outcome.attempts == 1)
        #expect(outcome.clock.sleeps.isEmpty)
        let html500 = ClientError(.service, service: "ec2", operation: "DescribeInstances", statusCode: 500, message: "unrecognised error body")
        #expect(policy.isRetryable(html500, .idempotent))
        #expect(!policy.isRetryable(html500, .notIdempotent))
        let prior = ClientError(.service, service: "route53", operation: "ChangeResourceRecordSets", statusCode: 400,
                                code: "PriorRequestNotComplete", message: "")
        #expect(policy.isRetryable(prior, .notIdempotent))
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func next() -> Int { lock.withLock { count += 1; return count } }
    var value: Int { lock.withLock { count } }
}
