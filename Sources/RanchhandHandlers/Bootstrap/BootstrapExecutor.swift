import Foundation
import Logging
import RanchhandClients
import RanchhandEvents

/// Applies a bootstrap plan: before each step its check is evaluated against the live host; a
/// satisfied step is skipped, any other runs its actions in order. One progress line per step
/// with its duration. While a launch action waits, it is heart-beaten (the ScaleIn `Heartbeat`
/// helper); any failure completes it with ABANDON so the group replaces the instance — except in a
/// best-effort part (fail2ban by default), whose failure is a warning on the final line.
public struct BootstrapExecutor: Sendable {
    public let probe: HostProbe
    public let autoScaling: (any AutoScalingClient)?
    public let registrationTokenTimeout: Duration
    public let timing: BootstrapTiming
    public let progress: BootstrapProgress
    public let logger: Logger

    public init(probe: HostProbe, autoScaling: (any AutoScalingClient)?, registrationTokenTimeout: Duration, timing: BootstrapTiming,
                progress: BootstrapProgress, logger: Logger) {
        self.probe = probe
        self.autoScaling = autoScaling
        self.registrationTokenTimeout = registrationTokenTimeout
        self.timing = timing
        self.progress = progress
        self.logger = logger
    }

    var runner: any CommandRunner { probe.runner }

    /// Runs `plan`; `hook` is the launch action's facts (heartbeats while it waits).
    public func apply(_ plan: BootstrapPlan, hook: LaunchHookFacts?) async -> BootstrapOutcome {
        let started = timing.now()
        progress.line("ranchhand-bootstrap: \(plan.summary)")
        var result: Result<StepsDone, StepFailure>
        if let hook, hook.isWaiting, runner.performsChanges, let autoScaling {
            let deadline = timing.heartbeat.now().addingTimeInterval(TimeInterval(hook.hook.globalTimeout))
            // At least three beats per heartbeat timeout, however short the hook's is.
            var beats = timing.heartbeat
            beats.heartbeatInterval = min(beats.heartbeatInterval, .seconds(max(hook.hook.heartbeatTimeout / 3, 5)))
            result = await Heartbeat.whileRunning(hook.action, until: deadline, autoScaling: autoScaling, timing: beats,
                                                  logger: logger) { await steps(plan) }
        } else {
            result = await steps(plan)
        }
        let elapsed = BootstrapProgress.seconds(.seconds(timing.now().timeIntervalSince(started)))
        let outcome: BootstrapOutcome
        switch result {
        case .success where !runner.performsChanges:
            outcome = .prepared("dry run (\(plan.goal.rawValue)): commands and Rancher/Auto Scaling changes were printed, not made")
        case .success(let done):
            outcome = [.join, .rejoin].contains(plan.goal) ? .joined("\(done.detail) in \(elapsed)\(done.warnings)")
                : .prepared("\(plan.goal.rawValue) in \(elapsed)\(done.warnings)")
        case .failure(let failure) where plan.holdsOnJoinTimeout && failure.step == .waitNodeActive && failure.error.kind == .timeout:
            logger.critical("etcd node not active in time: launch action held, not abandoned", metadata: [
                "instance_id": "\(plan.instanceID)", "error": "\(failure.error.message)",
            ])
            outcome = .held(reason: failure.error.message)
        case .failure(let failure):
            outcome = await abandon(plan.launchAction, reason: failure.error.message)
        }
        var journal = BootstrapJournal.load(from: probe.files, instanceID: plan.instanceID)
        journal.lastOutcome = outcome.finalLine
        try? journal.save(to: probe.files)
        progress.line(outcome.finalLine)
        return outcome
    }

    /// Completes `action` with ABANDON (when there is one and changes are real); the outcome says
    /// whether that happened.
    public func abandon(_ action: LifecycleActionReference?, reason: String) async -> BootstrapOutcome {
        guard let action, let autoScaling else { return .failed(reason: reason, abandoned: false) }
        guard runner.performsChanges else {
            progress.line("      would complete lifecycle action \(action.hook) with ABANDON")
            return .failed(reason: reason, abandoned: false)
        }
        do {
            try await autoScaling.completeLifecycleAction(action, result: .abandon)
            return .failed(reason: reason, abandoned: true)
        } catch where error.isNoActiveLifecycleAction {
            return .failed(reason: reason + " (the launch action was no longer waiting, so nothing was abandoned)", abandoned: false)
        } catch {
            return .failed(reason: reason + "; ABANDON failed too (\(error)): the hook's timeout applies its default result", abandoned: false)
        }
    }

    /// What the steps ended with, and the best-effort parts they gave up ("; warning: …" each).
    struct StepsDone: Sendable {
        var detail: String
        var warnings: String
    }

    struct StepFailure: Error {
        var step: BootstrapStepID
        var error: BootstrapError
    }

    private func steps(_ plan: BootstrapPlan) async -> Result<StepsDone, StepFailure> {
        var journal = BootstrapJournal.load(from: probe.files, instanceID: plan.instanceID)
        var state = StepState()
        for (index, step) in plan.steps.enumerated() {
            let label = "[\(index + 1)/\(plan.steps.count)] \(step.id.rawValue)"
            if let part = step.bestEffort, state.givenUp[part] != nil {
                progress.line("\(label): skipped: \(part) was given up at an earlier step")
                continue
            }
            let started = timing.now()
            func took() -> String { BootstrapProgress.seconds(.seconds(timing.now().timeIntervalSince(started))) }
            do {
                let snapshot = try await probe.snapshot(for: step.check)
                if snapshot.isSatisfied(step) {
                    let since = journal.completion(of: step).map { " (done \($0))" } ?? ""
                    progress.line("\(label): already satisfied\(since), \(took())")
                    continue
                }
                if let done = journal.completion(of: step) { progress.line("\(label): journaled as done \(done) but no longer satisfied; redoing") }
                for action in step.actions { try await perform(action, in: step, state: &state) }
                let duration = Duration.seconds(timing.now().timeIntervalSince(started))
                journal.record(step, at: timing.now(), duration: duration)
                try journal.save(to: probe.files)
                progress.line("\(label): done, \(took()) — \(step.title)")
            } catch {
                // A failed command says which step's purpose it served (the packages it installs).
                let message = error.kind == .command ? "could not \(step.title): \(error.message)" : error.message
                progress.line("\(label): FAILED after \(took()): \(message)")
                guard let part = step.bestEffort else { return .failure(StepFailure(step: step.id, error: BootstrapError(error.kind, "\(step.id.rawValue): \(message)"))) }
                giveUp(part, at: step, message, state: &state)
            }
        }
        if state.node == nil, [.join, .rejoin].contains(plan.goal) { state.node = try? await probe.node() }
        let node = state.node.map { "node \($0.id) (\($0.nodeName.isEmpty ? $0.requestedHostname : $0.nodeName)) is \($0.state)" }
        let hook = plan.step(.completeLifecycleAction) == nil ? "" : "; launch action completed with CONTINUE"
        let warnings = state.givenUp.keys.sorted().map { "; warning: \($0) skipped (best-effort) after \(state.givenUp[$0]!)" }
        return .success(StepsDone(detail: (node ?? "host prepared") + hook, warnings: warnings.joined()))
    }

    /// A best-effort part failed: its remaining steps are skipped and the plan goes on; the final
    /// line (and so the journal) carries the reason on one line.
    private func giveUp(_ part: String, at step: BootstrapStep, _ message: String, state: inout StepState) {
        let oneLine = message.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        state.givenUp[part] = "\(step.id.rawValue): \(oneLine)"
        progress.line("      \(part) is best-effort: skipping the rest of it and going on (set \(part)=required to make this fatal, \(part)=off to not try)")
        logger.warning("best-effort hardening skipped", metadata: ["part": "\(part)", "step": "\(step.id.rawValue)", "error": "\(oneLine)"])
    }

    struct StepState {
        var token: String?
        var node: RancherNode?
        /// Best-effort parts given up, with the step and why.
        var givenUp: [String: String] = [:]
    }

    private func perform(_ action: BootstrapAction, in step: BootstrapStep, state: inout StepState) async throws(BootstrapError) {
        switch action {
        case .writeFile(let path, let contents, let mode):
            try probe.files.write(path, contents: contents, mode: mode)
        case .run(let command):
            try await run(command, state: &state)
        case .requirePackageVersion(let name, let manager, let accepted):
            let version = await probe.packages([name], manager)[name]
            if version == nil, !runner.performsChanges { return progress.line("      would verify \(name) is at \(accepted.joined(separator: " or "))") }
            guard let version, PackageVersion.isAccepted(version, accepted) else {
                throw BootstrapError(.verification, "\(name) \(version ?? "is not installed and") is not a Docker version RKE1 supports "
                                     + "(\(accepted.joined(separator: ", "))): set docker-versions to accept it, or use an image whose distro ships one")
            }
        case .waitForNodeActive(let timeout):
            state.node = try await waitForActiveNode(timeout: timeout)
        case .uncordonNode:
            guard let node = try await probe.node() else { throw BootstrapError(.rancher, "the node of \(probe.instanceID) disappeared from Rancher") }
            guard runner.performsChanges else { return progress.line("      would uncordon \(node.id)") }
            do {
                try await probe.rancher?.uncordon(node.id)
            } catch where error.isRancherInvalidAction {
                logger.info("uncordon not offered: already schedulable", metadata: ["node": "\(node.id)"])
            } catch {
                throw BootstrapError(.rancher, "cannot uncordon \(node.id): \(error)")
            }
        case .completeLifecycleAction(let reference, let result):
            guard runner.performsChanges else { return progress.line("      would complete lifecycle action \(reference.hook) with \(result.rawValue)") }
            do {
                try await autoScaling?.completeLifecycleAction(reference, result: result)
            } catch where error.isNoActiveLifecycleAction {
                logger.info("launch action already completed", metadata: ["hook": "\(reference.hook)"])
            } catch {
                throw BootstrapError(.identity, "CompleteLifecycleAction \(result.rawValue) for \(reference.hook): \(error)")
            }
        case .fail(let reason):
            throw BootstrapError(.configuration, reason)
        }
    }

    private func run(_ command: HostCommand, state: inout StepState) async throws(BootstrapError) {
        if command.requiresBootedSystem, !probe.systemBooted {
            return progress.line("      skipped `\(command)`: systemd is not running here (chroot or image build); the unit is enabled for the next boot")
        }
        var environment: [String: String] = [:]
        for variable in command.environment {
            switch variable.value {
            case .text(let text): environment[variable.name] = text
            case .registrationToken:
                if state.token == nil { state.token = try await registrationToken() }
                environment[variable.name] = state.token
            }
        }
        let result = await runner.run(command, environment: environment)
        guard command.acceptedStatuses.contains(result.status) else {
            let tail = result.output.split(separator: "\n").suffix(15).joined(separator: "\n    ")
            throw BootstrapError(.command, "`\(command)` exited with status \(result.status)" + (tail.isEmpty ? "" : ":\n    " + progress.redactor.redact(tail)))
        }
    }
}
