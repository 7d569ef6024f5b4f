import Foundation

/// When each scaler of `loop` runs next: at once on start, then at multiples of its period on the
/// clock (a 60 s scaler runs at :00 of every minute whenever the process started).
public struct LoopSchedule: Sendable, Equatable {
    public private(set) var nextRun: [String: Date]
    let periods: [String: TimeInterval]
    let order: [String]

    public init(periods: [(name: String, period: TimeInterval)], start: Date) {
        self.order = periods.map(\.name)
        self.periods = Dictionary(periods.map { ($0.name, max(1, $0.period)) }, uniquingKeysWith: { first, _ in first })
        self.nextRun = Dictionary(periods.map { ($0.name, start) }, uniquingKeysWith: { first, _ in first })
    }

    /// The scalers due at `now`, in configuration order, and when the next one is due. A run that
    /// overran skips the slots it missed rather than running them back to back.
    public mutating func due(at now: Date) -> (due: [String], next: Date) {
        var due: [String] = []
        for name in order where (nextRun[name] ?? .distantFuture) <= now {
            due.append(name)
            let period = periods[name] ?? 60
            nextRun[name] = Date(timeIntervalSince1970: ((now.timeIntervalSince1970 / period).rounded(.down) + 1) * period)
        }
        return (due, nextRun.values.min() ?? now.addingTimeInterval(60))
    }
}
