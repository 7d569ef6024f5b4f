import RanchhandClients

extension BootstrapAgent {
    /// How a wait in the warm pool ended.
    public enum Arrival: Sendable, Equatable {
        /// `autoscaling/target-lifecycle-state` reads `InService`: the group is taking the instance.
        case inService
        /// The instance will not serve: terminated out of the pool, or no longer in a group.
        case gone(String)
    }

    /// Reads the target lifecycle state every `interval` until the group takes the instance into
    /// service. A Running instance keeps polling; a Hibernated one is frozen with this loop and
    /// resumes it, so the first read after waking sees the new state. No reboot is involved.
    public func awaitService(every interval: Duration) async -> Arrival {
        var last: String?
        while !Task.isCancelled {
            let state: TargetLifecycleState
            do {
                state = TargetLifecycleState(metadataValue: try await metadata.targetLifecycleState())
            } catch {
                progress.line("follow: instance metadata unreadable (\(error)); reading it again in \(BootstrapProgress.seconds(interval))")
                try? await timing.sleep(interval)
                continue
            }
            if state.description != last {
                progress.line("follow: target lifecycle state \(state)")
                last = state.description
            }
            switch state {
            case .inService: return .inService
            case .notInGroup: return .gone("the instance is no longer in an Auto Scaling group")
            case .other("Terminated"): return .gone("the group is terminating the instance")
            case .warmed, .other: break
            }
            try? await timing.sleep(interval)
        }
        return .gone("stopped while waiting")
    }
}
