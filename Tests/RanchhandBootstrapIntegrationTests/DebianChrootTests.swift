import Foundation
import Logging
import RanchhandHandlers
import RanchhandHTTP
import RanchhandSandbox
import RanchhandTestSupport
import Testing

/// The host steps for real, on a real distro: a `debootstrap`ed Debian 12 root, the agent's own
/// commands run in it through `chroot` (apt-get, dpkg-query, systemctl), its files written into
/// it; then the tools themselves judge the result: `fail2ban-client -t` and `-d` read the jail,
/// `systemd-analyze verify` the unit, python's json the merged daemon.json, `systemctl
/// is-enabled` the units, `cloud-init schema` the cloud-config variant of user-data.
///
/// Services are NOT started: a chroot has no running systemd. The agent sees that (the test says
/// `systemBooted: false`, as the executable does for `--root`), enables the units for the next
/// boot and prints that it skipped starting them, which the test checks.
///
/// Needs root, `debootstrap` (`apt-get install debootstrap`) and Debian's mirror; measured here
/// at about 1–3 minutes (debootstrap 30–70 s, packages 20–60 s), so it runs by default where those
/// exist and is skipped elsewhere. RANCHHAND_DEBIAN_MIRROR picks another mirror;
/// RANCHHAND_SKIP_CHROOT_TEST=1 skips it.
@Suite(.serialized) struct DebianChrootTests {
    static var runnable: Bool {
        let environment = ProcessInfo.processInfo.environment
        return getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/debootstrap")
            && environment["RANCHHAND_SKIP_CHROOT_TEST"] == nil
    }

    @Test(.enabled(if: runnable, "needs root and debootstrap"), .timeLimit(.minutes(20)))
    func installStepsWorkOnARealDebian() async throws {
        let started = Date()
        let root = URL(fileURLWithPath: "/var/tmp/ranchhand-chroot-\(UUID().uuidString.prefix(8))")
        let mirror = ProcessInfo.processInfo.environment["RANCHHAND_DEBIAN_MIRROR"] ?? "http://deb.debian.org/debian"
        defer {
            _ = try? Shell.run(["umount", "-l", root.path + "/proc"], in: URL(fileURLWithPath: "/"))
            _ = try? Shell.run(["rm", "-rf", "--one-file-system", root.path], in: URL(fileURLWithPath: "/"))
        }
        let bootstrap = try Shell.run(["debootstrap", "--variant=minbase", "--include=systemd,ca-certificates", "bookworm", root.path, mirror],
                                      in: URL(fileURLWithPath: "/"))
        try #require(bootstrap.status == 0, "debootstrap failed:\n\(bootstrap.output.suffix(3000))")
        let debootstrapSeconds = Date().timeIntervalSince(started)
        // A build chroot's usual guard: packages must not start daemons here.
        try "#!/bin/sh\nexit 101\n".write(toFile: root.path + "/usr/sbin/policy-rc.d", atomically: true, encoding: .utf8)
        _ = try Shell.run(["chmod", "755", root.path + "/usr/sbin/policy-rc.d"], in: root)
        try #require(try Shell.run(["mount", "-t", "proc", "proc", root.path + "/proc"], in: root).status == 0)
        try FileManager.default.createDirectory(atPath: root.path + "/etc/docker", withIntermediateDirectories: true)
        try #"{"storage-driver": "overlay2", "log-opts": {"compress": "true"}}"#.write(toFile: root.path + "/etc/docker/daemon.json", atomically: true, encoding: .utf8)
        // The boot unit's program must exist for systemd-analyze to accept it.
        try "#!/bin/sh\nexit 0\n".write(toFile: root.path + "/usr/local/bin/ranchhand-bootstrap", atomically: true, encoding: .utf8)
        _ = try Shell.run(["chmod", "755", root.path + "/usr/local/bin/ranchhand-bootstrap"], in: root)

        let sandbox = try await Sandbox.start()
        let transport = try AsyncHTTPTransport()
        let lines = LineCollector()
        let chroot = ChangeCounter(ProcessCommandRunner(baseEnvironment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"],
                                                        prefix: ["chroot", root.path], timeout: .seconds(900)))
        let agent = BootstrapAgent(
            metadata: LiveInstanceMetadataClient(configuration: InstanceMetadataConfiguration(endpoint: sandbox.httpURL!), transport: transport, now: { Date() }),
            connector: TestConnector(moto: "http://127.0.0.1:9", transport: transport, clock: sandbox.clock), runner: chroot,
            files: RootedFileSystem(root: root.path), systemBooted: false, progress: BootstrapProgress { lines.append($0) },
            logger: Logger(label: "test.chroot"))
        let request = BootstrapRequest(localLayers: [SettingsLayer(source: "flags", values: ["docker": "always", "log-max-size": "20m"])],
                                       unitArguments: ["run", "--ssm-prefix", "/ranchhand/home/"], prepareOnly: true)
        let outcome = await agent.run(request)
        let firstRunSeconds = Date().timeIntervalSince(started) - debootstrapSeconds
        await transport.shutdown()
        await sandbox.stop()
        #expect(outcome.succeeded, "\(lines.lines.joined(separator: "\n"))")
        // Debian's packages enable their units themselves, so start-docker/start-fail2ban are already
        // satisfied without a running systemd; the boot unit's daemon-reload is the command skipped.
        #expect(lines.lines.contains { $0.contains("skipped `systemctl daemon-reload`: systemd is not running here") })
        #expect(lines.lines.contains { $0.contains("start-docker: already satisfied") })
        print(lines.lines.joined(separator: "\n"))

        func inRoot(_ argv: [String]) throws -> Shell.Result { try Shell.run(["chroot", root.path] + argv, in: root) }
        let packages = try inRoot(["dpkg-query", "-W", "-f=${Package} ${db:Status-Abbrev}\\n", "docker.io", "fail2ban", "python3-systemd"])
        #expect(packages.output.split(separator: "\n").filter { $0.hasSuffix(" ii ") }.count == 3, "\(packages.output)")

        let jailTest = try inRoot(["fail2ban-client", "-t"])
        #expect(jailTest.status == 0 && jailTest.output.contains("OK: configuration test is successful"), "\(jailTest.output)")
        let dump = try inRoot(["fail2ban-client", "-d"])
        #expect(dump.output.contains("['add', 'sshd', 'systemd']") && dump.output.contains("'maxretry', 5"), "\(dump.output.suffix(2000))")

        let merged = try inRoot(["python3", "-c", "import json; d = json.load(open('/etc/docker/daemon.json')); print(d['storage-driver'], d['log-driver'], d['log-opts'])"])
        #expect(merged.output == "overlay2 json-file {'compress': 'true', 'max-file': '5', 'max-size': '20m'}\n", "\(merged.output)")

        let verify = try inRoot(["systemd-analyze", "verify", "/etc/systemd/system/ranchhand-bootstrap.service"])
        #expect(verify.status == 0 && verify.output.isEmpty, "\(verify.output)")
        // The warm-pool follower, rendered for the same agent, passes the same verifier.
        let bootUnit = try String(contentsOfFile: root.path + HostFiles.bootUnitPath, encoding: .utf8)
        let agentPath = try #require(bootUnit.split(separator: "\n").first { $0.hasPrefix("ConditionFileIsExecutable=") }?.dropFirst("ConditionFileIsExecutable=".count))
        try HostFiles.followUnit(agentPath: String(agentPath), arguments: ["follow"]).write(toFile: root.path + HostFiles.followUnitPath, atomically: true, encoding: .utf8)
        let verifyFollower = try inRoot(["systemd-analyze", "verify", HostFiles.followUnitPath])
        #expect(verifyFollower.status == 0 && verifyFollower.output.isEmpty, "\(verifyFollower.output)")
        let enabled = try inRoot(["systemctl", "is-enabled", "docker.service", "fail2ban.service", "ranchhand-bootstrap.service"])
        #expect(enabled.output == "enabled\nenabled\nenabled\n", "\(enabled.output)")

        // The cloud-config variant of user-data, judged by cloud-init itself.
        let cloudInit = try inRoot(["env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-q", "--no-install-recommends", "cloud-init"])
        try #require(cloudInit.status == 0, "\(cloudInit.output.suffix(2000))")
        try FileManager.default.copyItem(atPath: ChildProcess.repositoryRoot.appendingPathComponent("bootstrap/cloud-config.yaml").path,
                                         toPath: root.path + "/tmp/cloud-config.yaml")
        let schema = try inRoot(["cloud-init", "schema", "--config-file", "/tmp/cloud-config.yaml"])
        #expect(schema.status == 0 && schema.output.contains("Valid cloud-config"), "\(schema.output)")

        // Again, as the boot unit would: every check holds, nothing changes.
        let changesBefore = await chroot.changes
        let transport2 = try AsyncHTTPTransport()
        let sandbox2 = try await Sandbox.start()
        let again = BootstrapAgent(
            metadata: LiveInstanceMetadataClient(configuration: InstanceMetadataConfiguration(endpoint: sandbox2.httpURL!), transport: transport2, now: { Date() }),
            connector: TestConnector(moto: "http://127.0.0.1:9", transport: transport2, clock: sandbox2.clock), runner: chroot,
            files: RootedFileSystem(root: root.path), systemBooted: false, progress: BootstrapProgress { lines.append($0) },
            logger: Logger(label: "test.chroot"))
        let second = await again.run(request)
        await transport2.shutdown()
        await sandbox2.stop()
        #expect(second.succeeded)
        #expect(await chroot.changes == changesBefore)

        try await amazonLinuxWithoutFail2ban(root: root, runner: chroot)
        print("chroot test: debootstrap \(Int(debootstrapSeconds))s, first run \(Int(firstRunSeconds))s, total \(Int(Date().timeIntervalSince(started)))s")
    }
}

extension DebianChrootTests {
    /// The same root as Amazon Linux 2023 presents it (`AmazonLinuxInChroot`: its os-release, dnf
    /// and rpm replaying "no such package"): best-effort fail2ban prepares the host with a warning
    /// naming the step and the packages; required fails with the same words.
    func amazonLinuxWithoutFail2ban(root: URL, runner: any CommandRunner) async throws {
        try AmazonLinuxInChroot.convert(root)
        let lines = LineCollector()
        let outcome = try await AmazonLinuxInChroot.run(root: root, runner: runner, flags: ["docker": "never"], lines: lines)
        guard case .prepared(let detail) = outcome else {
            Issue.record("expected prepared, got \(outcome)\n\(lines.lines.joined(separator: "\n"))")
            return
        }
        #expect(detail.hasSuffix("; warning: fail2ban skipped (best-effort) after install-fail2ban: could not install fail2ban (fail2ban, fail2ban-systemd) "
                                 + "with dnf: `dnf install -y -q fail2ban fail2ban-systemd` exited with status 1: Error: Unable to find a match: fail2ban fail2ban-systemd"),
                "\(detail)")
        #expect(lines.lines.contains { $0.contains("start-fail2ban: skipped: fail2ban was given up at an earlier step") })
        let journal = try String(contentsOfFile: root.path + "/var/lib/ranchhand/bootstrap.json", encoding: .utf8)
        #expect(journal.contains("warning: fail2ban skipped (best-effort)"))

        let required = try await AmazonLinuxInChroot.run(root: root, runner: runner, flags: ["docker": "never", "fail2ban": "required"], lines: lines)
        guard case .failed(let reason, false) = required else {
            Issue.record("expected a failure with no hook to abandon, got \(required)")
            return
        }
        #expect(reason.hasPrefix("install-fail2ban: could not install fail2ban (fail2ban, fail2ban-systemd) with dnf: "), "\(reason)")
        #expect(reason.contains("Error: Unable to find a match: fail2ban fail2ban-systemd"))
    }
}

/// Counts the commands that change something, passing everything to the real runner.
actor ChangeCounter: CommandRunner {
    let inner: ProcessCommandRunner
    private(set) var changes = 0
    init(_ inner: ProcessCommandRunner) { self.inner = inner }
    nonisolated var performsChanges: Bool { true }
    func run(_ command: HostCommand, environment: [String: String]) async -> CommandResult {
        if !command.isProbe { changes += 1 }
        return await inner.run(command, environment: environment)
    }
}
