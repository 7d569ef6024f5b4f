import RanchhandClients

/// Something that makes a call wait its turn (see `RequestRate`).
public protocol RequestPacer: Sendable {
    func admit(service: String, operation: String) async throws(ClientError)
}

/// Spaces calls to an API that throttles per account rather than per caller — Route53 allows five
/// requests a second for the whole account, shared with any external-dns beside us — so a burst
/// of syncs waits its turn here instead of spending retries on `Throttling`. At most `perSecond`
/// on average and `burst` back to back (the generic cell rate algorithm: each call reserves the
/// next slot before it sleeps, so concurrent callers queue in order).
public actor RequestRate<C: Clock & Sendable>: RequestPacer where C.Duration == Duration {
    private let clock: C
    private let spacing: Duration
    private let tolerance: Duration
    /// When the next call would be due if calls came exactly `spacing` apart.
    private var due: C.Instant

    public init(perSecond: Double, burst: Int = 1, clock: C) {
        self.clock = clock
        spacing = .nanoseconds(Int64(1e9 / max(perSecond, 0.001)))
        tolerance = spacing * max(0, burst - 1)
        due = clock.now
    }

    /// Returns when the caller may send; throws `.cancelled` if its task is cancelled while waiting.
    public func admit(service: String, operation: String) async throws(ClientError) {
        let now = clock.now
        let slot = max(due, now)
        due = slot.advanced(by: spacing)
        let start = slot.advanced(by: .zero - tolerance)
        guard start > now else { return }
        do {
            try await clock.sleep(until: start, tolerance: nil)
        } catch {
            throw ClientError(.cancelled, service: service, operation: operation, message: "cancelled while waiting for a request slot")
        }
    }
}
