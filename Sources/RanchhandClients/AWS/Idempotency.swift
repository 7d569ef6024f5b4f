/// Whether a call may safely be sent twice. Decides what happens after an ambiguous failure (the
/// connection broke or timed out after the request may have reached the server).
public enum Idempotency: Sendable {
    /// Repeating the call cannot change the outcome (reads, SetDesiredCapacity, DeleteMessage,
    /// CompleteLifecycleAction — whose repeat answers "no active lifecycle action", which callers
    /// treat as done).
    case idempotent
    /// A repeat could apply the call twice (PutMetricData, a Route53 change batch with CREATE).
    /// Such calls are retried only when the failure proves nothing was applied.
    case notIdempotent
}
