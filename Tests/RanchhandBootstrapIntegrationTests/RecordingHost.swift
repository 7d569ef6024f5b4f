import Foundation
import RanchhandClients
import RanchhandHandlers
import RanchhandSandbox

/// A command runner for tests that records every command and plays a small Debian host: what
/// `apt-get install` installed, `dpkg-query` reports; what `systemctl enable`/`start` did,
/// `systemctl is-enabled`/`is-active` report.
///
/// No real agent can run here (no Docker engine, no rancher-system-agent), so when the join
/// command comes, this host does what the agent would make Rancher do: it registers a node in
/// the sandbox with the name, addresses, roles and labels **taken from that argv** (so the test
/// proves the argv carries them), ready or not as the test says.
actor RecordingHost: CommandRunner {
    struct Recorded: Sendable {
        var command: HostCommand
        var environment: [String: String]
    }

    private(set) var recorded: [Recorded] = []
    private(set) var packages: [String: String]
    private(set) var enabled: Set<String>
    private(set) var active: Set<String>
    private(set) var registered: [SandboxNode] = []
    let sandbox: Sandbox
    let cluster: RancherClusterID
    /// Whether the node the join registers reports Ready (false: it stays `unavailable`).
    let nodeBecomesReady: Bool
    let dockerVersion: String
    /// Packages the host's repositories do not carry: `apt-get install` fails as apt does.
    let unavailable: Set<String>

    init(sandbox: Sandbox, cluster: RancherClusterID, nodeBecomesReady: Bool = true, dockerVersion: String = "20.10.24+dfsg1-1+deb12u1+b6",
         unavailable: Set<String> = [], packages: [String: String] = [:], enabled: Set<String> = [], active: Set<String> = []) {
        self.sandbox = sandbox
        self.cluster = cluster
        self.nodeBecomesReady = nodeBecomesReady
        self.dockerVersion = dockerVersion
        self.unavailable = unavailable
        self.packages = packages
        self.enabled = enabled
        self.active = active
    }

    nonisolated var performsChanges: Bool { true }

    /// Commands that change the host (probes left out).
    var changes: [Recorded] { recorded.filter { !$0.command.isProbe } }

    /// The same host state in a new recorder (a reboot, a second run).
    func carriedOver() -> RecordingHost {
        RecordingHost(sandbox: sandbox, cluster: cluster, nodeBecomesReady: nodeBecomesReady, dockerVersion: dockerVersion,
                      unavailable: unavailable, packages: packages, enabled: enabled, active: active)
    }

    func run(_ command: HostCommand, environment: [String: String]) async -> CommandResult {
        recorded.append(Recorded(command: command, environment: environment))
        let argv = command.argv
        switch (argv.first ?? "", argv.dropFirst().first ?? "") {
        case ("dpkg-query", _):
            let names = argv.dropFirst(3)
            let lines = names.compactMap { name in packages[name].map { "\(name)|ii |\($0)" } }
            return CommandResult(status: lines.count == names.count ? 0 : 1, output: lines.joined(separator: "\n"))
        case ("apt-get", "install"):
            if let missing = argv.dropFirst(4).first(where: unavailable.contains) {
                // apt-get's own words and status (100) for a package no source lists.
                return CommandResult(status: 100, output: "Reading package lists...\nBuilding dependency tree...\nReading state information...\n"
                                     + "E: Unable to locate package \(missing)")
            }
            for name in argv.dropFirst(4) { packages[name] = name == "docker.io" ? dockerVersion : "1.0-1" }
            return CommandResult(status: 0)
        case ("systemctl", "is-enabled"):
            return CommandResult(status: enabled.contains(argv[2]) ? 0 : 1, output: enabled.contains(argv[2]) ? "enabled" : "disabled")
        case ("systemctl", "is-active"):
            return CommandResult(status: active.contains(argv.last ?? "") ? 0 : 3)
        case ("systemctl", "enable"):
            enabled.insert(argv[2])
            return CommandResult(status: 0)
        case ("systemctl", "start"):
            // `start --no-block UNIT`: options are not units.
            active.formUnion(argv.dropFirst(2).filter { !$0.hasPrefix("-") })
            return CommandResult(status: 0)
        case ("docker", "run"), ("sh", _):
            await register(argv)
            return CommandResult(status: 0, output: "joined")
        case ("docker", "rm"):
            return CommandResult(status: 1, output: "Error: No such container: \(argv.last ?? "")")
        default:
            return CommandResult(status: 0)
        }
    }

    private func register(_ argv: [String]) async {
        let spec = SandboxNodeSpec(joinArguments: argv, ready: nodeBecomesReady)
        registered.append(await sandbox.world.addNode(spec, to: cluster))
    }
}
