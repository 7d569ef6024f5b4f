import Foundation
import RanchhandClients
import RanchhandSandbox
import Testing
@testable import RanchhandHTTP

/// The request pacer on the sandbox's virtual clock: the spacing holds for callers arriving
/// together, a burst passes at once, and a wait ends early (as a `.cancelled` error) when its task does.
@Suite struct RequestRateTests {
    @Test func callsInARowAreSpacedAtTheRate() async throws {
        let clock = SandboxClock.virtual()
        let rate = RequestRate(perSecond: 2, clock: clock)
        let start = clock.now
        var times: [Duration] = []
        for _ in 0..<6 {
            try await rate.admit(service: "route53", operation: "ListResourceRecordSets")
            times.append(start.duration(to: clock.now))
        }
        #expect(times == [0, 500, 1000, 1500, 2000, 2500].map { .milliseconds($0) })
    }

    @Test func callersArrivingTogetherEachGetTheirOwnSlot() async {
        let clock = SandboxClock.virtual()
        let rate = RequestRate(perSecond: 2, clock: clock)
        let start = clock.now
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<6 { group.addTask { try? await rate.admit(service: "route53", operation: "ChangeResourceRecordSets") } }
        }
        // Six slots half a second apart: the last one starts 2.5 s in; shared slots would end sooner.
        #expect(start.duration(to: clock.now) == .milliseconds(2500))
    }

    @Test func aBurstPassesAtOnceThenTheSpacingHolds() async throws {
        let clock = SandboxClock.virtual()
        let rate = RequestRate(perSecond: 1, burst: 3, clock: clock)
        let start = clock.now
        for _ in 0..<3 { try await rate.admit(service: "route53", operation: "GetChange") }
        #expect(start.duration(to: clock.now) == .zero)
        try await rate.admit(service: "route53", operation: "GetChange")
        #expect(start.duration(to: clock.now) == .seconds(1))
    }

    @Test func aCancelledWaitIsACancelledError() async {
        let rate = RequestRate(perSecond: 0.01, clock: ContinuousClock())
        try? await rate.admit(service: "route53", operation: "ChangeResourceRecordSets")
        let waiting = Task { () async -> ClientError? in
            do throws(ClientError) {
                try await rate.admit(service: "route53", operation: "ChangeResourceRecordSets")
                return nil
            } catch {
                return error
            }
        }
        try? await Task.sleep(for: .milliseconds(50))
        waiting.cancel()
        let error = await waiting.value
        #expect(error?.kind == .cancelled)
    }
}
