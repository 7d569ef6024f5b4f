import Foundation
import Logging
import RanchhandClients
import RanchhandEvents
import Synchronization
import Testing
@testable import RanchhandHandlers

/// The wait between the DNS withdrawal and the drain, on a virtual clock (time moves only when the
/// step sleeps) against the in-memory Route53: every way it ends, measured in virtual seconds.
@Suite struct DNSFirstTests {
    /// `now` and `sleep` over one virtual instant.
    final class VirtualTime: Sendable {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        private let offset = Mutex<TimeInterval>(0)
        var elapsed: TimeInterval { offset.withLock { $0 } }
        var timing: ScaleInTiming {
            ScaleInTiming(now: { [self] in start.addingTimeInterval(elapsed) },
                          sleep: { [self] duration in
                              let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
                              offset.withLock { $0 += seconds }
                          },
                          pollInterval: .seconds(5))
        }
    }

    let time = VirtualTime()
    let withdrawal = DNSWithdrawal(instanceID: "i-09", addresses: ["10.0.1.9"])

    func step(_ route53: StrictRoute53) -> DNSFirst {
        DNSFirst(dns: NodePoolDNS(route53: route53, zone: "ZTEST", owner: "prod", logger: Logger(label: "test")), timing: time.timing, logger: Logger(label: "test"))
    }

    func far() -> Date { time.start.addingTimeInterval(3600) }

    @Test func theDrainWaitsForInSyncAndThenTheTTL() async {
        let route53 = StrictRoute53(NodePoolWithdrawalTests.multivalue)
        await route53.keepPending(2)
        let progress = await step(route53).withdraw(withdrawal, since: time.start, deadline: far(), metadata: [:])
        #expect(progress == .finished)
        #expect(time.elapsed == 2 * 5 + 60, "two PENDING polls 5 s apart, then the record's 60 s TTL")
        #expect(await route53.getChangeCalls == 3)
    }

    @Test func aChangeNeverInSyncHoldsTheDrainTwiceTheTTLAndAMinuteThenDrains() async {
        let route53 = StrictRoute53(NodePoolWithdrawalTests.multivalue)
        await route53.keepPending(Int.max)
        let progress = await step(route53).withdraw(withdrawal, since: time.start, deadline: far(), metadata: [:])
        #expect(progress == .finished)
        #expect(time.elapsed == 180, "2 × 60 s + 60 s")
        let spotZone = StrictRoute53(NodePoolWithdrawalTests.multivalue)
        await spotZone.keepPending(Int.max)
        let spot = DNSWithdrawal(instanceID: "i-09", addresses: ["10.0.1.9"], maximumWaitSeconds: 10)
        let before = time.elapsed
        #expect(await step(spotZone).withdraw(spot, since: time.start, deadline: far(), metadata: [:]) == .finished)
        #expect(time.elapsed - before == 10, "ahead of a Spot interruption: 10 s")
    }

    @Test func aDeadlineInsideTheWaitHandsBackAndTheRedeliveryWaitsOnlyWhatIsLeft() async {
        let route53 = StrictRoute53(NodePoolWithdrawalTests.multivalue)
        let deadline = time.start.addingTimeInterval(20)
        let first = await step(route53).withdraw(withdrawal, since: time.start, deadline: deadline, metadata: [:])
        #expect(first == .unfinished("waiting out the node-pool record's TTL"))
        #expect(time.elapsed == 20)
        // The record is gone now; the next delivery waits the TTL counted from the hook's start.
        let second = await step(route53).withdraw(withdrawal, since: time.start, deadline: far(), metadata: [:])
        #expect(second == .finished)
        #expect(time.elapsed == 60)
        #expect(await route53.changeCalls.count == 1, "the record was withdrawn once")
    }

    @Test func thePoolsLastMemberIsKeptAndTheDrainGoesOn() async {
        let route53 = StrictRoute53(NodePoolWithdrawalTests.multivalue)
        #expect(await step(route53).withdraw(withdrawal, since: time.start, deadline: far(), metadata: [:]) == .finished)
        let before = time.elapsed
        let last = DNSWithdrawal(instanceID: "i-01", addresses: ["10.0.1.1"])
        #expect(await step(route53).withdraw(last, since: time.start, deadline: far(), metadata: [:]) == .finished)
        #expect(time.elapsed == before, "kept: no wait")
        #expect(await route53.changeCalls.count == 1, "kept: no change")
    }

    @Test func route53FailingOrNothingToWithdrawDoesNotHoldTheDrain() async {
        let failing = StrictRoute53(NodePoolWithdrawalTests.multivalue)
        await failing.fail(with: ClientError(.connectionFailed, service: "route53", operation: "ChangeResourceRecordSets", message: "connection refused"))
        #expect(await step(failing).withdraw(withdrawal, since: time.start, deadline: far(), metadata: [:]) == .finished)
        #expect(time.elapsed == 0)
        let empty = StrictRoute53(SyncAndTriggerTests.apex)
        #expect(await step(empty).withdraw(withdrawal, since: time.start, deadline: far(), metadata: [:]) == .finished)
        #expect(time.elapsed == 0, "no pool records at all: no TTL to wait out")
    }
}
