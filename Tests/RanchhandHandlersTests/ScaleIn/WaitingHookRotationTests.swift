import Foundation
import RanchhandClients
import RanchhandEvents
import Testing
@testable import RanchhandHandlers

/// Where the hook keeper's ticks start: a tick cut short reaches only its first hooks, so the
/// starts of consecutive ticks must spread over the whole list.
@Suite struct WaitingHookRotationTests {
    let hooks = (0..<50).map { LifecycleActionReference(group: "g", hook: "h", instanceID: InstanceID("i-\($0)"), token: nil) }

    @Test(arguments: [0, 1, 1_733_300_000, 1_800_000_000, Int.max - 8])
    func eightTicksReachingAFifthEachReachEveryHook(from base: Int) {
        let reached = (0..<8).reduce(into: Set<InstanceID>()) { reached, tick in
            reached.formUnion(WaitingHookKeeper.rotated(hooks, tick: base + tick).prefix(10).map(\.instanceID))
        }
        #expect(reached.count == 50, "from tick \(base): \(reached.count) of 50")
    }

    @Test func everyRotationIsAPermutationThatKeepsTheOrder() {
        for tick in [0, 7, 1_733_300_000, Int.min, Int.max] {
            let rotated = WaitingHookKeeper.rotated(hooks, tick: tick)
            #expect(rotated.map(\.instanceID.rawValue).sorted() == hooks.map(\.instanceID.rawValue).sorted())
            let start = hooks.firstIndex(of: rotated[0])!
            #expect(rotated == Array(hooks[start...] + hooks[..<start]), "tick \(tick)")
        }
    }

    @Test func withoutRotationTheSameFirstHooksLeadEveryTick() {
        // The counterexample the rotation answers: ticks at the same start leave 40 of 50 unreached.
        let reached = Set((0..<8).flatMap { _ in hooks.prefix(10).map(\.instanceID) })
        #expect(reached.count == 10)
        #expect(WaitingHookKeeper.rotated(Array(hooks.prefix(1)), tick: 3) == Array(hooks.prefix(1)))
        #expect(WaitingHookKeeper.rotated([], tick: 3).isEmpty)
    }
}
