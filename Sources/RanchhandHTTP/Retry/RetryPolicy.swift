import RanchhandClients

/// The one retry policy: exponential backoff with full jitter, bounded attempts and total time,
/// and a caller's deadline honoured. Which failures are retryable is decided here and nowhere else.
public struct RetryPolicy: Sendable {
    public var maximumAttempts: Int
    public var baseDelay: Duration
    public var maximumDelay: Duration
    /// The longest the policy spends on one call, all attempts and waits included.
    public var maximumTotal: Duration

    /// AWS error codes that mean "slow down" or "not now": nothing was applied.
    public static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "RequestLimitExceeded", "RequestThrottled", "SlowDown",
        "PriorRequestNotComplete", "EC2ThrottledException", "ProvisionedThroughputExceededException",
        "BandwidthLimitExceeded", "LimitExceededException",
    ]
    /// Server-side faults that SDKs retry.
    public static let transientCodes: Set<String> = ["InternalError", "InternalFailure", "ServiceUnavailable", "RequestTimeout", "RequestTimeoutException"]

    public static let standard = RetryPolicy(maximumAttempts: 5, baseDelay: .milliseconds(100), maximumDelay: .seconds(20), maximumTotal: .seconds(120))
    public static let never = RetryPolicy(maximumAttempts: 1, baseDelay: .zero, maximumDelay: .zero, maximumTotal: .seconds(3600))

    public init(maximumAttempts: Int, baseDelay: Duration, maximumDelay: Duration, maximumTotal: Duration) {
        self.maximumAttempts = max(1, maximumAttempts)
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
        self.maximumTotal = maximumTotal
    }

    /// Whether `error` may be retried for a call of the given idempotency.
    public func isRetryable(_ error: ClientError, _ idempotency: Idempotency) -> Bool {
        if let code = error.code, Self.throttlingCodes.contains(code) { return true }
        switch error.kind {
        case .connectionFailed:
            return true
        case .connectionLost, .timeout:
            // The request may have been applied: only a call that is safe to repeat goes again.
            return idempotency == .idempotent
        case .service:
            if error.statusCode == 429 { return true }
            if let code = error.code, Self.transientCodes.contains(code) { return idempotency == .idempotent }
            if let status = error.statusCode, status >= 500 { return idempotency == .idempotent }
            return false
        case .invalidResponse:
            // A truncated or garbled body on a 2xx/5xx: the server may have acted.
            return idempotency == .idempotent && (error.statusCode ?? 500) >= 500
        default:
            return false
        }
    }

    /// Full jitter: uniformly random in [0, min(maximumDelay, baseDelay × 2^retry)].
    public func delay(beforeRetry retry: Int, unitRandom: Double) -> Duration {
        let exponent = min(retry, 30)
        let ceiling = min(maximumDelay, baseDelay * (1 << exponent))
        return ceiling * min(max(unitRandom, 0), 1)
    }

    /// Runs `attempt` until it succeeds, fails with a non-retryable error, or attempts, total time or
    /// `deadline` run out; the last error is rethrown. Time and randomness are parameters so tests
    /// drive them.
    public func run<C: Clock, Value: Sendable>(
        _ idempotency: Idempotency,
        clock: C,
        deadline: C.Instant? = nil,
        unitRandom: @Sendable () -> Double = { Double.random(in: 0...1) },
        onRetry: (ClientError, Int, Duration) -> Void = { _, _, _ in },
        _ attempt: () async throws(ClientError) -> Value
    ) async throws(ClientError) -> Value where C.Duration == Duration {
        let start = clock.now
        var attemptNumber = 1
        while true {
            do {
                return try await attempt()
            } catch {
                guard attemptNumber < maximumAttempts, isRetryable(error, idempotency), !Task.isCancelled else { throw error }
                let wait = delay(beforeRetry: attemptNumber - 1, unitRandom: unitRandom())
                let resumeAt = clock.now.advanced(by: wait)
                if start.duration(to: resumeAt) > maximumTotal { throw error }
                if let deadline, resumeAt >= deadline { throw error }
                onRetry(error, attemptNumber, wait)
                do {
                    try await clock.sleep(until: resumeAt, tolerance: nil)
                } catch {
                    throw ClientError(.cancelled, service: "retry", operation: "wait", message: "cancelled while backing off")
                }
                attemptNumber += 1
            }
        }
    }
}
