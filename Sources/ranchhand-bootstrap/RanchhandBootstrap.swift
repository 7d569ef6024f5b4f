import ArgumentParser
import CGlibcCompat
import Foundation
import RanchhandHandlers

/// `ranchhand-bootstrap`: what EC2 user-data runs as root on every instance an Auto Scaling group
/// launches, and a systemd unit runs again at every boot. Wiring only: the work is in
/// RanchhandHandlers/Bootstrap.
@main
struct RanchhandBootstrap: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ranchhand-bootstrap",
        abstract: "Turns this EC2 instance into a Rancher node and completes its launch lifecycle action.",
        discussion: """
            Who am I comes from instance metadata (IMDSv2 only): instance id, region, zone, addresses, the Auto Scaling \
            group and its launch hook. Settings come from, highest first: flags, RANCHHAND_* variables, the config file, \
            SSM parameters under --ssm-prefix for this group (<prefix>groups/<group>/<key>), the launch hook's \
            NotificationMetadata (roles, labels, taints as JSON), SSM parameters under --ssm-prefix for every node. \
            Each setting has one name everywhere: --rancher-url, RANCHHAND_RANCHER_URL, rancher-url: in the file, \
            <prefix>rancher-url in SSM. The Rancher API token (rancher-token) is read only from SSM (SecureString), the \
            environment or a chmod-600 config file, never from a flag. Full reference: docs/bootstrap.md.

            Steps (each skipped when its check already holds, so re-runs are safe): install the boot unit; Docker with \
            log rotation in /etc/docker/daemon.json (RKE1); fail2ban with an sshd jail (best-effort by default: where it \
            cannot be installed, a warning and the join goes on); kubelet log rotation (RKE2/K3s); join Rancher with a \
            registration token fetched now; wait until the node is active; complete the launch lifecycle action with \
            CONTINUE. Any other failure completes it with ABANDON, so the group replaces the instance — except an etcd \
            node that does not become active in time, which is held for a person (exit 1, hook left waiting). \
            An instance entering a warm pool is prepared but does not join; back in service it joins or is uncordoned. \
            A Running or Hibernated pool hands an instance over without a boot, so there the agent starts \
            ranchhand-bootstrap-follow.service, which runs `follow`: it waits for InService and then runs as `run` does.
            """,
        subcommands: [RunCommand.self, PlanCommand.self, FollowCommand.self],
        defaultSubcommand: RunCommand.self
    )
}

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Apply the plan (the default). One line per step to stdout and /var/log/ranchhand-bootstrap.log.")

    @OptionGroup var settings: SettingsOptions
    @OptionGroup var options: AgentOptions

    func run() async throws {
        let outcome = try await AgentWiring.with(settings: settings, options: options, writesLog: true) { wiring in
            let lock = AgentWiring.lock(root: wiring.agent.files)
            defer { if lock >= 0 { close(lock) } }
            return await wiring.agent.run(wiring.request)
        }
        if !outcome.succeeded { throw ExitCode.failure }
    }
}

struct FollowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "follow",
        abstract: "Wait in a Running or Hibernated warm pool until IMDS says InService, then run. What ranchhand-bootstrap-follow.service runs.",
        discussion: """
            Reads autoscaling/target-lifecycle-state every --target-poll-interval seconds. InService: joins and completes \
            the launch lifecycle action exactly as `run` (under the same lock). Terminated, or no longer in a group: exits 0 \
            with nothing joined. An unreadable metadata service is read again at the next interval.
            """)

    @OptionGroup var settings: SettingsOptions
    @OptionGroup var options: AgentOptions
    @Option(help: "Seconds between reads of the target lifecycle state (1-300).")
    var targetPollInterval = 5

    func validate() throws {
        guard (1...300).contains(targetPollInterval) else { throw ValidationError("--target-poll-interval must be between 1 and 300 seconds") }
    }

    func run() async throws {
        let outcome = try await AgentWiring.with(settings: settings, options: options, writesLog: true) { wiring -> BootstrapOutcome? in
            guard case .inService = await wiring.agent.awaitService(every: .seconds(targetPollInterval)) else { return nil }
            let lock = AgentWiring.lock(root: wiring.agent.files)
            defer { if lock >= 0 { close(lock) } }
            return await wiring.agent.run(wiring.request)
        }
        if let outcome, !outcome.succeeded { throw ExitCode.failure }
    }
}

struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Print the ordered steps, each satisfied or pending, with the exact commands and files. Changes nothing.")

    @OptionGroup var settings: SettingsOptions
    @OptionGroup var options: AgentOptions

    func run() async throws {
        let text = try await AgentWiring.with(settings: settings, options: options, writesLog: false) { wiring -> Result<String, BootstrapError> in
            do throws(BootstrapError) {
                let prepared = try await wiring.agent.plan(wiring.request)
                return .success(prepared.plan.text(snapshot: try await prepared.snapshot(), sources: prepared.settings.sources))
            } catch {
                return .failure(error)
            }
        }
        switch text {
        case .success(let plan):
            AgentWiring.printLine(plan)
        case .failure(let error):
            AgentWiring.printLine("ranchhand-bootstrap plan: \(error.message)")
            throw ExitCode.failure
        }
    }
}
