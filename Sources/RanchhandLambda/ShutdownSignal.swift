import Dispatch
import Foundation
import Synchronization

/// SIGTERM / SIGINT raise a flag long-running loops check between units of work, so they stop
/// taking work and finish what is in flight.
public final class ShutdownSignal: Sendable {
    private let flag = Atomic<Bool>(false)
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    public var isRaised: Bool { flag.load(ordering: .relaxed) }

    /// Replaces the default handlers (which would kill the process) for the rest of its life.
    public static func install() -> ShutdownSignal {
        let stop = ShutdownSignal()
        // A parent may have started us with these blocked (Foundation's Process spawns from a
        // dispatch thread whose mask blocks SIGTERM); blocked, they would never reach the source.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGTERM)
        sigaddset(&unblock, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { stop.flag.store(true, ordering: .relaxed) }
            source.resume()
            sources.append(source)
        }
        return stop
    }

    public init() {}

    /// For tests and embedding: raise the flag as a signal would.
    public func raise() { flag.store(true, ordering: .relaxed) }
}
