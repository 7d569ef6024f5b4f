#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

enum SandboxDates {
    /// `2026-11-20T14:21:38Z`, as Rancher and Kubernetes write times.
    static func rfc3339(_ date: Date) -> String { date.formatted(.iso8601) }

    /// Rancher's `createdTS`: milliseconds since 1970.
    static func milliseconds(_ date: Date) -> Int { Int((date.timeIntervalSince1970 * 1000).rounded()) }
}
