import ArgumentParser
import Foundation
import RanchhandHandlers

/// Settings as flags. Each has the same name as its `RANCHHAND_*` variable, config-file key and
/// SSM parameter (docs/bootstrap.md). There is deliberately no flag for the Rancher API token:
/// a process's arguments are readable by every user (`/proc/<pid>/cmdline`).
struct SettingsOptions: ParsableArguments {
    @Option(help: "Rancher's URL (https://rancher.example.com).") var rancherURL: String?
    @Option(help: "The cluster to join, by id (c-xxxxx, c-m-xxxxxxxx).") var clusterID: String?
    @Option(help: "The cluster to join, by display name.") var clusterName: String?
    @Option(help: "sha256 of Rancher's CA (cacerts + newline): pins the CA and is passed to the agents.") var caChecksum: String?
    @Option(help: "Comma-separated: etcd, controlplane, worker (default worker).") var roles: String?
    @Option(name: .customLong("label"), help: "key=value node label; repeatable.") var labels: [String] = []
    @Option(name: .customLong("taint"), help: "key=value:Effect node taint; repeatable.") var taints: [String] = []
    @Option(help: "hostname (default), short-hostname or instance-id.") var nodeName: String?
    @Option(help: "--address the node registers with: auto (public if any, default), public or private.") var address: String?
    @Option(help: "Container log file size before rotation, Docker syntax (default 50m).") var logMaxSize: String?
    @Option(help: "Rotated container log files kept (default 5).") var logMaxFiles: String?
    @Option(help: "Install Docker: auto (RKE1 only, default), always or never.") var docker: String?
    @Option(help: "Docker's package name (default docker.io on apt, docker on dnf/yum).") var dockerPackage: String?
    @Option(help: "Accepted Docker major.minor versions for RKE1 (default 20.10,23.0,24.0,25.0).") var dockerVersions: String?
    @Option(help: ArgumentHelp("fail2ban with an sshd jail: best-effort (default), required or off.",
                               discussion: "best-effort: if it cannot be installed (Amazon Linux 2023 and RHEL without EPEL ship no fail2ban), a warning and the join goes on; required: that failure ABANDONs the launch hook. true/false read as best-effort/off."))
    var fail2ban: String?
    @Option(help: "fail2ban bantime (default 1h).") var fail2banBantime: String?
    @Option(help: "fail2ban findtime (default 10m).") var fail2banFindtime: String?
    @Option(help: "fail2ban maxretry (default 5).") var fail2banMaxretry: String?
    @Option(help: "How long to wait for the node to become active (default 15m; 30m for etcd and control-plane nodes).") var joinTimeout: String?
    @Option(help: "How long Rancher may take to fill in a registration token (default 2m).") var registrationTokenTimeout: String?
    @Option(help: "The launch hook to complete, when the group has several.") var lifecycleHook: String?
    @Option(help: "Where this binary is installed, for the boot unit (default /usr/local/bin/ranchhand-bootstrap).") var agentPath: String?

    /// Key → value for the flags given, in the shared vocabulary.
    var values: [String: String] {
        let pairs: [(String, String?)] = [
            ("rancher-url", rancherURL), ("cluster-id", clusterID), ("cluster-name", clusterName), ("ca-checksum", caChecksum),
            ("roles", roles), ("labels", labels.isEmpty ? nil : labels.joined(separator: ",")),
            ("taints", taints.isEmpty ? nil : taints.joined(separator: ",")), ("node-name", nodeName), ("address", address),
            ("log-max-size", logMaxSize), ("log-max-files", logMaxFiles), ("docker", docker), ("docker-package", dockerPackage),
            ("docker-versions", dockerVersions), ("fail2ban", fail2ban), ("fail2ban-bantime", fail2banBantime),
            ("fail2ban-findtime", fail2banFindtime), ("fail2ban-maxretry", fail2banMaxretry), ("join-timeout", joinTimeout),
            ("registration-token-timeout", registrationTokenTimeout), ("lifecycle-hook", lifecycleHook), ("agent-path", agentPath),
        ]
        return Dictionary(uniqueKeysWithValues: pairs.compactMap { key, value in value.map { (key, $0) } })
    }

    /// The same flags again, for the boot unit's ExecStart (labels and taints one per flag).
    var arguments: [String] {
        var words: [String] = []
        for (key, value) in values.sorted(by: { $0.key < $1.key }) {
            switch key {
            case "labels": words += labels.flatMap { ["--label", $0] }
            case "taints": words += taints.flatMap { ["--taint", $0] }
            default: words += ["--\(key)", value]
            }
        }
        return words
    }
}

/// Where the agent reads from and writes to, and how it runs commands.
struct AgentOptions: ParsableArguments {
    @Option(help: "SSM Parameter Store path holding the settings (also RANCHHAND_SSM_PREFIX), e.g. /ranchhand/home/.")
    var ssmPrefix: String?

    @Option(help: ArgumentHelp("A YAML file of settings (also RANCHHAND_CONFIG); default /etc/ranchhand/bootstrap.yaml if present.",
                               discussion: "It may hold rancher-token only if no group or other user can read it (chmod 600)."))
    var config: String?

    @Option(help: "Read and write every file under this directory instead of /, and run commands in it with chroot (image builds, tests).")
    var root: String = "/"

    @Option(help: "exec runs commands; dry prints them (and needs --root, since files are still written).")
    var runner: RunnerChoice = .exec

    @Flag(help: "Host steps only (packages, files, units): no Rancher join, no lifecycle action. For image builds.")
    var prepareOnly = false

    enum RunnerChoice: String, ExpressibleByArgument, CaseIterable { case exec, dry }

    /// What the boot unit passes on (never --root or --runner: the unit runs on the node itself).
    var arguments: [String] {
        (ssmPrefix.map { ["--ssm-prefix", $0] } ?? []) + (config.map { ["--config", $0] } ?? []) + (prepareOnly ? ["--prepare-only"] : [])
    }
}
