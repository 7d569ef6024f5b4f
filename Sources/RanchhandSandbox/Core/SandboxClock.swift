#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// The sandbox's time. `virtual` time moves only when someone sleeps on it or calls `advance`, so a
/// client that polls or backs off with this clock runs in no real time and sees the sandbox's drains
/// finish exactly when it "waits" long enough; `live` follows the machine's monotonic clock (the
/// standalone server). Dates in responses are `startDate` plus the elapsed time.
public final class SandboxClock: Clock, Sendable {
    public struct Instant: InstantProtocol, Sendable {
        public var offset: Duration
        public init(offset: Duration) { self.offset = offset }
        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    public let startDate: Date
    private let live: ContinuousClock.Instant?
    private let virtualNow: Mutex<Duration>

    /// Time that moves only when slept on or advanced.
    public static func virtual(startDate: Date = Date(timeIntervalSince1970: 1_795_528_800)) -> SandboxClock {
        SandboxClock(startDate: startDate, live: nil)
    }

    /// The machine's monotonic clock, dated from `startDate`.
    public static func live(startDate: Date) -> SandboxClock {
        SandboxClock(startDate: startDate, live: ContinuousClock.now)
    }

    private init(startDate: Date, live: ContinuousClock.Instant?) {
        self.startDate = startDate
        self.live = live
        self.virtualNow = Mutex(.zero)
    }

    public var isVirtual: Bool { live == nil }
    public var minimumResolution: Duration { .zero }

    public var now: Instant {
        if let live { return Instant(offset: live.duration(to: ContinuousClock.now)) }
        return Instant(offset: virtualNow.withLock { $0 })
    }

    /// Virtual time: jumps to `deadline` (never backwards) and returns at once. Live: really sleeps.
    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        try Task.checkCancellation()
        guard let live else {
            virtualNow.withLock { $0 = max($0, deadline.offset) }
            await Task.yield()
            return
        }
        try await ContinuousClock().sleep(until: live.advanced(by: deadline.offset), tolerance: tolerance)
    }

    /// Moves virtual time forward (no effect on a live clock).
    public func advance(by duration: Duration) {
        guard live == nil else { return }
        virtualNow.withLock { $0 += max(duration, .zero) }
    }

    public func date(at instant: Instant) -> Date {
        let (seconds, attoseconds) = instant.offset.components
        return startDate.addingTimeInterval(Double(seconds) + Double(attoseconds) / 1e18)
    }

    public var currentDate: Date { date(at: now) }
}
