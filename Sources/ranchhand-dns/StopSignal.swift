import Dispatch
import Foundation
import Synchronization

/// SIGTERM / SIGINT → stop taking work, finish what is in flight.
final class StopSignal: Sendable {
    private let flag = Atomic<Bool>(false)
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    var requested: Bool { flag.load(ordering: .relaxed) }

    static func install() -> StopSignal {
        let stop = StopSignal()
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { stop.flag.store(true, ordering: .relaxed) }
            source.resume()
            sources.append(source)
        }
        return stop
    }
}
