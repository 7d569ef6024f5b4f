import ArgumentParser
import Foundation

@main
struct ScaleIn: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ranchhand-scale-in",
        abstract: "Drain and deregister Rancher nodes of terminating EC2 Auto Scaling instances, then complete their lifecycle hooks.",
        discussion: """
            On a terminate lifecycle hook the handler finds the instance's Rancher node (by the \
            ranchhand.io/instance-id label, else providerId, else private IP/DNS name), cordons and drains \
            it (Rancher's drain for workers; Kubernetes evictions honouring PodDisruptionBudgets for \
            control-plane/etcd nodes) while heart-beating the hook, deletes it from Rancher (the v3 node \
            for RKE1, the cluster-api Machine for RKE2/K3s) and completes the hook with CONTINUE. It \
            refuses to break etcd quorum, to remove the last control-plane node, or to remove more than \
            --breaker-max-share of a cluster at once: with the group's TerminateHookAbandon=retain \
            policy it answers ABANDON (the instance is retained); otherwise it holds the hook and alerts.

            Modes: inside Lambda (AWS_LAMBDA_RUNTIME_API set) it runs the custom-runtime loop on SQS \
            batches and reports unfinished records as batch item failures; `poll` long-polls a queue; \
            `replay` handles recorded events (`--dry-run` prints plans and touches nothing); `snapshot` \
            records a cluster for offline replay; `reconcile` finds what events missed.
            """,
        subcommands: [LambdaCommand.self, PollCommand.self, ReplayCommand.self, SnapshotCommand.self, ReconcileCommand.self],
        defaultSubcommand: ProcessInfo.processInfo.environment["AWS_LAMBDA_RUNTIME_API"] == nil ? nil : LambdaCommand.self
    )
}
