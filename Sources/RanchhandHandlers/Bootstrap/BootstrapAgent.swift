import Foundation
import Logging
import RanchhandClients
import RanchhandEvents

/// What the executable parsed from its own arguments and environment.
public struct BootstrapRequest: Sendable {
    /// Flags, `RANCHHAND_*` variables, the config file: highest precedence first.
    public var localLayers: [SettingsLayer]
    /// SSM Parameter Store path holding the cluster's settings (`/ranchhand/home/`).
    public var ssmPrefix: String?
    /// What the boot unit re-runs the agent with.
    public var unitArguments: [String]
    /// Host steps only: no Rancher join, no lifecycle action (image builds, the chroot test).
    public var prepareOnly: Bool

    public init(localLayers: [SettingsLayer], ssmPrefix: String? = nil, unitArguments: [String] = ["run"], prepareOnly: Bool = false) {
        self.localLayers = localLayers
        self.ssmPrefix = ssmPrefix
        self.unitArguments = unitArguments
        self.prepareOnly = prepareOnly
    }
}

/// A plan ready to apply, with what it was decided from.
public struct PreparedBootstrap: Sendable {
    public var plan: BootstrapPlan
    public var inputs: BootstrapInputs
    public var settings: ResolvedBootstrapSettings
    public var executor: BootstrapExecutor

    /// Every check of the plan evaluated against the host now (for `plan`).
    public func snapshot() async throws(BootstrapError) -> HostSnapshot {
        try await executor.probe.snapshot(for: plan.steps.flatMap(\.check))
    }
}

/// The whole agent: who am I, settings, facts, plan, apply — and ABANDON on any failure once a
/// waiting launch action is known. Every dependency is a parameter; the executable wires the live ones.
public struct BootstrapAgent: Sendable {
    public let metadata: any InstanceMetadataClient
    public let connector: any BootstrapConnector
    public let runner: any CommandRunner
    public let files: RootedFileSystem
    public let systemBooted: Bool
    public let timing: BootstrapTiming
    public let progress: BootstrapProgress
    public let logger: Logger

    public init(metadata: any InstanceMetadataClient, connector: any BootstrapConnector, runner: any CommandRunner, files: RootedFileSystem,
                systemBooted: Bool, timing: BootstrapTiming = BootstrapTiming(), progress: BootstrapProgress, logger: Logger) {
        self.metadata = metadata
        self.connector = connector
        self.runner = runner
        self.files = files
        self.systemBooted = systemBooted
        self.timing = timing
        self.progress = progress
        self.logger = logger
    }

    /// `run`: gathers, plans, applies; the outcome's final line has been printed.
    public func run(_ request: BootstrapRequest) async -> BootstrapOutcome {
        switch await prepare(request) {
        case .success(let prepared):
            return await prepared.executor.apply(prepared.plan, hook: prepared.inputs.launchHook)
        case .failure(let failure):
            let executor = executor(rancher: nil, cluster: nil, autoScaling: failure.autoScaling, instanceID: failure.instanceID, tokenTimeout: .seconds(1))
            let outcome = await executor.abandon(failure.action, reason: failure.error.message)
            progress.line(outcome.finalLine)
            return outcome
        }
    }

    /// `plan`: gathers and plans; changes nothing anywhere.
    public func plan(_ request: BootstrapRequest) async throws(BootstrapError) -> PreparedBootstrap {
        switch await prepare(request) {
        case .success(let prepared): return prepared
        case .failure(let failure): throw failure.error
        }
    }

    struct Failure: Error {
        var error: BootstrapError
        /// The launch action to abandon (only when it waits).
        var action: LifecycleActionReference?
        var autoScaling: (any AutoScalingClient)?
        var instanceID: InstanceID
    }

    private func prepare(_ request: BootstrapRequest) async -> Result<PreparedBootstrap, Failure> {
        let gathering = BootstrapGathering(metadata: metadata, connector: connector, files: files)
        let identity: NodeIdentity, target: TargetLifecycleState, aws: BootstrapAWSClients
        do {
            (identity, target, aws) = try await gathering.identity()
        } catch {
            return .failure(Failure(error: error, action: nil, autoScaling: nil, instanceID: "unknown"))
        }
        func failure(_ error: BootstrapError, _ hook: LaunchHookFacts?) -> Failure {
            let waiting = hook.flatMap { $0.isWaiting && !request.prepareOnly ? $0.action : nil }
            return Failure(error: error, action: waiting, autoScaling: aws.autoScaling, instanceID: identity.instanceID)
        }
        let local = Result { () throws(BootstrapError) in try BootstrapSettings.resolve(request.localLayers) }
        let hook: LaunchHookFacts?
        do {
            hook = request.prepareOnly ? nil : try await gathering.launchHook(identity, named: (try? local.get())?.settings.lifecycleHook, aws: aws)
        } catch {
            return .failure(failure(error, nil))
        }
        do {
            _ = try local.get()
            var remote: [SettingsLayer] = [SettingsLayer.hookMetadata(hook?.hook.notificationMetadata)]
            if let prefix = request.ssmPrefix {
                let (group, common) = try await gathering.parameters(prefix, group: identity.group, aws: aws)
                remote = [group, remote[0], common]
            }
            let resolved = try BootstrapSettings.resolve(request.localLayers + remote)
            let settings = resolved.settings
            if let token = settings.rancherToken { progress.redactor.add(token.value) }
            var rancher: (RancherFacts, any RancherClient)?
            if !(request.prepareOnly && settings.rancherURL == nil) {
                rancher = try await gathering.rancher(settings, identity: identity)
            }
            if let facts = rancher?.0, let warning = Self.tokenScopeWarning(facts) { progress.line(warning) }
            let inputs = BootstrapInputs(settings: settings, identity: identity, target: target, launchHook: hook, host: gathering.host(),
                                         rancher: rancher?.0, unitArguments: request.unitArguments, prepareOnly: request.prepareOnly)
            let plan = BootstrapDecision.plan(inputs)
            let executor = executor(rancher: rancher?.1, cluster: rancher?.0.cluster.id, autoScaling: aws.autoScaling, instanceID: identity.instanceID,
                                    tokenTimeout: settings.registrationTokenTimeout)
            return .success(PreparedBootstrap(plan: plan, inputs: inputs, settings: resolved, executor: executor))
        } catch {
            return .failure(failure(error, hook))
        }
    }

    /// Every node can read the bootstrap token: one that reaches other clusters hands them to any
    /// compromised node. The join goes on (a scope is fixed in Rancher, not by losing nodes).
    static func tokenScopeWarning(_ facts: RancherFacts) -> String? {
        let others: [RancherClusterID]
        switch facts.tokenScope {
        case .onlyThisCluster: return nil
        case .unchecked(let why): return "warning: could not list Rancher's clusters to check the token's scope (\(why)); the join goes on"
        case .alsoSees(let clusters): others = clusters
        }
        let named = others.prefix(5).map(\.rawValue).joined(separator: ", ") + (others.count > 5 ? ", …" : "")
        return "warning: the Rancher token sees \(others.count) cluster\(others.count == 1 ? "" : "s") besides \(facts.cluster.id) (\(named)); "
            + "every node can read it, so give it only registration tokens and nodes of \(facts.cluster.id) (docs/bootstrap.md, rancher-token)"
    }

    private func executor(rancher: (any RancherClient)?, cluster: RancherClusterID?, autoScaling: (any AutoScalingClient)?,
                          instanceID: InstanceID, tokenTimeout: Duration) -> BootstrapExecutor {
        let probe = HostProbe(runner: runner, files: files, rancher: rancher, clusterID: cluster, autoScaling: autoScaling,
                              instanceID: instanceID, systemBooted: systemBooted)
        return BootstrapExecutor(probe: probe, autoScaling: autoScaling, registrationTokenTimeout: tokenTimeout, timing: timing,
                                 progress: progress, logger: logger)
    }
}
