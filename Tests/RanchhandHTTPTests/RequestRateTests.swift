import Foundation
import RanchhandClients
import RanchhandSandbox
import RanchhandTestSupport
import Testing
@testable import RanchhandHTTP

/// The request pacer on the sandbox's virtual clock: the spacing holds for callers arriving
/// together, a burst passes at once, a wait ends early (as a `.cancelled` error) when its task
/// does, and in the AWS sender every attempt waits its turn, retries included (moto's Route53
/// behind the fault proxy, which answers Throttling twice).
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

    @Test func theSenderPacesEveryAttemptRetriesIncluded() async throws {
        try await withOwnFaultProxy { proxy, url in
            try await proxy.add([FaultProxy.Rule(match: .init(method: "GET", pathPrefix: "/2013-04-01/hostedzonesbyname"),
                                                 fault: .preset("route53-throttling"), times: 2)])
            let clock = SandboxClock.virtual()
            var sender = AWSTestContext.sender(endpoint: url)
            sender.pacers[.route53] = RequestRate(perSecond: 1, clock: clock)
            let start = clock.now
            _ = try await LiveRoute53Client(sender: sender).listHostedZonesByName(startingAt: nil, limit: 1)
            // Two throttled attempts and the one that passed, a second apart on the pacer's clock.
            #expect(start.duration(to: clock.now) == .seconds(2))
            let attempts = try await proxy.log().filter { $0.path.hasPrefix("/2013-04-01/hostedzonesbyname") }
            #expect(attempts.count == 3)
        }
    }
}
