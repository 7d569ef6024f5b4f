import Foundation
import ArgumentParser
import RanchhandClients
import RanchhandEvents
import RanchhandHandlers

/// Everything the scale-in handler is configured with. Flags win over environment variables
/// (shown in brackets), so a laptop is configured through flags and a Lambda function through the
/// options stored in SSM (`RANCHHAND_SSM_PREFIX`, parsed exactly like flags) or its environment.
struct ScaleInOptions: ParsableArguments {
    @Option(help: "Rancher server URL [RANCHER_URL].")
    var rancherURL: String?
    @Option(help: "Name of an SSM SecureString parameter holding the Rancher API token (token-xxxxx:secret) [RANCHER_TOKEN_PARAMETER]. Otherwise the token is read from RANCHER_TOKEN; it is never accepted as a flag.")
    var rancherTokenParameter: String?
    @Option(name: [.customLong("cluster-id"), .customLong("cluster")],
            help: "Rancher cluster id (c-xxxxx or c-m-xxxxxxxx) the group's nodes belong to [RANCHHAND_CLUSTER].")
    var cluster: String?
    @Option(help: "Pin Rancher's CA by its checksum, as Rancher's own agent does [RANCHER_CA_CHECKSUM].")
    var caChecksum: String?
    @Option(help: "PEM bundle of extra CAs to trust for Rancher [RANCHER_CA_BUNDLE].")
    var caBundle: String?
    @Flag(help: "Do not verify Rancher's certificate at all (logged loudly; never in production).")
    var insecure = false
    @Option(help: "Seconds Rancher may spend draining a worker (1-10800).")
    var drainTimeout = 600
    @Option(help: "Seconds each pod gets to stop; -1 keeps the pod's own grace period.")
    var drainGracePeriod = -1
    @Flag(inversion: .prefixedNo, help: "Delete pods with emptyDir volumes while draining.")
    var deleteLocalData = true
    @Flag(help: "Delete pods no controller manages while draining.")
    var force = false
    @Option(name: [.customLong("max-drain-wait"), .customLong("disruption-budget-wait")],
            help: "MaxDrainWait: seconds from the hook's start that pods blocked by PodDisruptionBudgets or ranchhand.io/do-not-disrupt may hold up the deletion; then the node is deleted anyway and the pods left are alerted on. At most the hook's global timeout minus 10 minutes.")
    var maxDrainWait = 3600
    @Option(help: "Seconds between lifecycle heartbeats of the hook in hand while work is in flight (1-1200; keep it well below the hooks' HeartbeatTimeout, whose minimum in infra/ is 1200). Waiting hooks are heart-beaten every HeartbeatTimeout/3 regardless.")
    var heartbeatInterval = 60.0
    @Option(help: "Seconds between checks of a running drain, node deletion or blocked eviction (0.05-60).")
    var pollInterval = 5.0
    @Option(help: "Largest share of a cluster's nodes that may be removed within the breaker window (0-1).")
    var breakerMaxShare = 0.34
    @Option(help: "Mass-deletion breaker window in seconds.")
    var breakerWindow = 1800
    @Option(name: .customLong("group"), help: "An Auto Scaling group of the cluster (repeatable): its waiting terminate hooks are heart-beaten and reconciled.")
    var groups: [String] = []
    @Option(help: "Every Auto Scaling group whose name starts with this prefix is the cluster's (infra/ names them <ClusterName>-…) [RANCHHAND_GROUP_PREFIX].")
    var groupPrefix: String?
    @Option(help: "Seconds a hook may wait before reconcile takes it over from its own event (lost or dead-lettered).")
    var reconcileTakeOverAfter = 1200
    @Option(help: "Items one reconcile pass works on at once, each until done or the pass's deadline; the next pass resumes the rest.")
    var reconcileConcurrency = 10
    @Option(help: "What a Spot rebalance recommendation gets: cordon (default; new pods go elsewhere), drain, or ignore. An interruption warning always drains at once.")
    var rebalance: RebalanceResponse = .cordon
    @Option(help: "DynamoDB table of the cluster's deletion lease (infra/handlers.yaml creates it): deletions are serialised across concurrent invocations and pollers through it, so drains can run in parallel. Without it only this process's deletions are serialised [RANCHHAND_LEASE_TABLE].")
    var leaseTable: String?
    @Option(help: "Slack-compatible webhook for completed, refused and failed scale-ins [RANCHHAND_WEBHOOK_URL].")
    var webhookURL: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical [RANCHHAND_LOG_LEVEL].")
    var logLevel: String?
    @Option(help: "Route53 hosted zone of ranchhand-dns's node pool: a leaving instance's node-pool record is removed before its drain, and the drain waits until the change is INSYNC and its TTL has passed (at most 2 x TTL + 60 s; 10 s ahead of a Spot interruption). Needs route53:ListResourceRecordSets, ChangeResourceRecordSets and GetChange.")
    var dnsZoneId: String?
    @Option(help: "ranchhand-dns's --owner: only node-pool records whose TXT names it are removed.")
    var dnsOwner: String?
    @Option(help: "ranchhand-dns's --txt-prefix, when it has one.")
    var dnsTxtPrefix = ""
    @Option(help: "ranchhand-dns's --txt-suffix, when it has one.")
    var dnsTxtSuffix = ""
    @Option(help: "Route53 requests per second at most (Route53 allows 5 per account, shared with ranchhand-dns and any external-dns).")
    var dnsRoute53Rate = 1.0

    var policy: ScaleInPolicy {
        ScaleInPolicy(
            drain: DrainOptions(deleteLocalData: deleteLocalData, force: force, gracePeriod: drainGracePeriod, timeout: drainTimeout),
            eviction: EvictionPlan(maximumWaitSeconds: maxDrainWait),
            budget: ScaleInBudget(maximumShare: breakerMaxShare, windowSeconds: breakerWindow), rebalance: rebalance,
            withdrawsFromDNS: dnsZoneId != nil)
    }

    func groupSelection(_ environment: [String: String]) -> GroupSelection {
        GroupSelection(names: groups.map(AutoScalingGroupName.init(rawValue:)), prefix: Self.value(groupPrefix, "RANCHHAND_GROUP_PREFIX", environment))
    }

    var reconcile: ReconcileSettings {
        ReconcileSettings(takeOverAfter: TimeInterval(reconcileTakeOverAfter), concurrency: reconcileConcurrency)
    }

    func validate() throws {
        guard (1...DrainOptions.maximumTimeoutSeconds).contains(drainTimeout) else {
            throw ValidationError("--drain-timeout must be between 1 and \(DrainOptions.maximumTimeoutSeconds) seconds (Rancher's limit)")
        }
        guard (0...1).contains(breakerMaxShare) else { throw ValidationError("--breaker-max-share must be between 0 and 1") }
        guard maxDrainWait >= 0 else { throw ValidationError("--max-drain-wait must not be negative") }
        // Fractions are for time-compressed rehearsals; RecordLifecycleActionHeartbeat is throttled per
        // account, so a production value stays in the tens of seconds.
        guard (1...1200).contains(heartbeatInterval) else { throw ValidationError("--heartbeat-interval must be between 1 and 1200 seconds") }
        guard (0.05...60).contains(pollInterval) else { throw ValidationError("--poll-interval must be between 0.05 and 60 seconds") }
        guard (dnsZoneId == nil) == (dnsOwner == nil) else { throw ValidationError("--dns-zone-id and --dns-owner go together (ranchhand-dns's --zone-id and --owner)") }
        guard dnsTxtPrefix.isEmpty || dnsTxtSuffix.isEmpty else { throw ValidationError("--dns-txt-prefix and --dns-txt-suffix are mutually exclusive (as in external-dns)") }
        guard (0.1...5).contains(dnsRoute53Rate) else { throw ValidationError("--dns-route53-rate must be between 0.1 and 5 (Route53's account-wide limit)") }
    }

    /// A flag, else its environment variable.
    static func value(_ flag: String?, _ variable: String, _ environment: [String: String]) -> String? {
        if let flag, !flag.isEmpty { return flag }
        return environment[variable].flatMap { $0.isEmpty ? nil : $0 }
    }
}

extension RebalanceResponse: ExpressibleByArgument {}
