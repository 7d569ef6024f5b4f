import Foundation
import RanchhandClients
import RanchhandHandlers
import RanchhandSandbox
import Testing

/// The agent end to end against the sandbox (fake Rancher + IMDSv2) and moto (a launch hook
/// holding the instance in Pending:Wait), writing under a temporary root and running commands
/// through a recording host. The "join" registers the node in the sandbox from the join argv
/// (see `RecordingHost`): no real Rancher agent can run here.
@Suite struct BootstrapJoinTests {
    @Test func rke1NodeJoinsBecomesActiveAndTheHookIsContinued() async throws {
        try await BootstrapHarness.run(distro: .rke1) { harness in
            try FileManager.default.createDirectory(at: harness.root.appendingPathComponent("etc/docker"), withIntermediateDirectories: true)
            try #"{"registry-mirrors": ["https://mirror.example.com"], "max-concurrent-downloads": 3}"#
                .write(to: harness.root.appendingPathComponent("etc/docker/daemon.json"), atomically: true, encoding: .utf8)
            let host = harness.host()
            let lines = LineCollector()
            let outcome = await harness.agent(runner: host, lines: lines).run(harness.request())

            guard case .joined(let detail) = outcome else {
                Issue.record("expected joined, got \(outcome)\n\(lines.lines.joined(separator: "\n"))")
                return
            }
            #expect(detail.contains("is active") && detail.contains("CONTINUE"))
            #expect(harness.heartbeats.sent >= 1, "the waiting launch action is heart-beaten while the steps run")
            let state = try await harness.groupState()
            #expect(state == "InService")

            // The join argv, exactly: built from the cluster, settings and metadata; token only in the environment.
            let join = try #require(await host.changes.first { $0.command.argv.starts(with: ["docker", "run"]) })
            #expect(join.command.argv == [
                "docker", "run", "-d", "--privileged", "--restart=unless-stopped", "--net=host", "--name", "ranchhand-rancher-agent",
                "-v", "/etc/kubernetes:/etc/kubernetes", "-v", "/var/run:/var/run", "-e", "CATTLE_TOKEN", "rancher/rancher-agent:v2.9.3",
                "--server", harness.sandbox.httpsURL!, "--ca-checksum", harness.sandbox.certificateAuthority.caChecksum, "--worker",
                "--address", "203.0.113.23", "--internal-address", "10.0.1.23", "--node-name", "ip-10-0-1-23.eu-west-1.compute.internal",
                "--label", "ranchhand.io/instance-id=\(harness.instanceID)", "--label", "team=platform",
            ])
            let tokens = await harness.sandbox.world.registrationTokens(of: harness.cluster).map(\.token)
            #expect(tokens.contains(try #require(join.environment["CATTLE_TOKEN"])))

            // The node the join registered, found and active by its instance-id label.
            let nodes = await harness.sandbox.world.nodes(in: harness.cluster)
            #expect(nodes.count == 1)
            #expect(nodes.first?.labels["ranchhand.io/instance-id"] == harness.instanceID && nodes.first?.state == .active)

            // Files: daemon.json merged, the jail, the boot unit, the journal (0600); no secret anywhere.
            let files = harness.writtenFiles()
            #expect(files["/etc/docker/daemon.json"] == """
                {
                  "log-driver": "json-file",
                  "log-opts": {
                    "max-file": "5",
                    "max-size": "50m"
                  },
                  "max-concurrent-downloads": 3,
                  "registry-mirrors": [
                    "https://mirror.example.com"
                  ]
                }

                """)
            #expect(files["/etc/fail2ban/jail.d/ranchhand.local"] == HostFiles.fail2banJail(Fail2banSettings()))
            #expect(files["/etc/systemd/system/ranchhand-bootstrap.service"]?.contains("ExecStart=/usr/local/bin/ranchhand-bootstrap run --ssm-prefix \(harness.prefix)") == true)
            #expect(harness.mode("/var/lib/ranchhand/bootstrap.json") == 0o600)
            #expect(harness.mode("/var/lib/ranchhand") == 0o700)
            let secrets = [harness.sandbox.apiToken] + tokens
            for (path, contents) in files { #expect(!secrets.contains { contents.contains($0) }, "secret in \(path)") }
            #expect(!lines.lines.contains { line in secrets.contains { line.contains($0) } })
            for command in await host.recorded { #expect(!secrets.contains { command.command.argv.joined(separator: " ").contains($0) }) }

            // One line per step with its duration, then the final line.
            let stepLines = lines.lines.filter { $0.range(of: #"^\[\d+/11\] [a-z0-9-]+: (done|already satisfied), [0-9.ms]+"#, options: .regularExpression) != nil }
            #expect(stepLines.count == 11, "\(lines.lines.joined(separator: "\n"))")
            #expect(lines.lines.last?.hasPrefix("ranchhand-bootstrap: joined: node c-d8f82:") == true)
            #expect(await host.changes.map(\.command.argv).contains(["systemctl", "start", "docker.service"]))

            // A second run (the boot unit at the next boot) changes nothing.
            let before = harness.writtenFiles().filter { $0.key != "/var/lib/ranchhand/bootstrap.json" }
            let again = await host.carriedOver()
            let secondLines = LineCollector()
            let second = await harness.agent(runner: again, lines: secondLines).run(harness.request())
            #expect(second.succeeded)
            #expect(await again.changes.isEmpty)
            #expect(harness.writtenFiles().filter { $0.key != "/var/lib/ranchhand/bootstrap.json" } == before)
            #expect(await harness.sandbox.world.nodes(in: harness.cluster).count == 1)
            #expect(secondLines.lines.filter { $0.contains(": already satisfied") }.count == 11)
        }
    }

    @Test func rke2NodeJoinsThroughTheSystemAgentWithKubeletLogRotation() async throws {
        try await BootstrapHarness.run(distro: .rke2, hookMetadata: #"{"roles":["etcd","controlplane"],"labels":{"pool":"blue"}}"#) { harness in
            let host = harness.host()
            let lines = LineCollector()
            let outcome = await harness.agent(runner: host, lines: lines).run(harness.request(["roles": "etcd,controlplane,worker"]))
            #expect(outcome.succeeded, "\(lines.lines.joined(separator: "\n"))")
            let state = try await harness.groupState()
            #expect(state == "InService")
            let changes = await host.changes.map(\.command.argv)
            #expect(!changes.contains { $0.first == "docker" || $0.contains("docker.io") })
            let url = harness.sandbox.httpsURL!
            #expect(changes.contains(["curl", "-fsSL", "--retry", "5", "--retry-delay", "3", "--retry-connrefused", "--cacert",
                                      "/var/lib/ranchhand/rancher-ca.pem", "-o", "/var/lib/ranchhand/system-agent-install.sh", url + "/system-agent-install.sh"]))
            #expect(changes.contains([
                "sh", "/var/lib/ranchhand/system-agent-install.sh", "--server", url, "--label", "cattle.io/os=linux",
                "--ca-checksum", harness.sandbox.certificateAuthority.caChecksum, "--etcd", "--controlplane", "--worker",
                "--node-name", "ip-10-0-1-23.eu-west-1.compute.internal", "--address", "203.0.113.23", "--internal-address", "10.0.1.23",
                "--label", "ranchhand.io/instance-id=\(harness.instanceID)", "--label", "pool=blue", "--label", "team=platform",
            ]))
            let files = harness.writtenFiles()
            #expect(files["/var/lib/ranchhand/rancher-ca.pem"] == harness.sandbox.certificateAuthority.caPEM + (harness.sandbox.certificateAuthority.caPEM.hasSuffix("\n") ? "" : "\n"))
            #expect(files["/etc/rancher/rke2/config.yaml.d/90-ranchhand.yaml"] == HostFiles.kubeletLogConfig(LogRotation()))
            #expect(files["/etc/docker/daemon.json"] == nil)
            let node = try #require(await harness.sandbox.world.nodes(in: harness.cluster).first)
            #expect(node.roles == .all && node.state == .active && node.machine != nil)
        }
    }

    @Test func warmPoolInstanceIsPreparedNotJoinedAndItsHookContinued() async throws {
        try await BootstrapHarness.run(distro: .rke1, configure: { $0.imds.targetLifecycleState = "Warmed:Stopped" }) { harness in
            let host = harness.host()
            let lines = LineCollector()
            let outcome = await harness.agent(runner: host, lines: lines).run(harness.request())
            #expect(outcome == .prepared(try #require(lines.lines.last?.components(separatedBy: "prepared: ").last)))
            #expect(!(await host.changes.contains { $0.command.argv.starts(with: ["docker", "run"]) }))
            #expect(await harness.sandbox.world.nodes(in: harness.cluster).isEmpty)
            #expect(await host.packages["docker.io"] != nil)
            let state = try await harness.groupState()
            #expect(state == "InService")
        }
    }

    @Test func nodeBackFromTheWarmPoolIsUncordonedNotJoinedAgain() async throws {
        try await BootstrapHarness.run(distro: .rke1) { harness in
            let existing = await harness.sandbox.world.addNode(
                SandboxNodeSpec(name: "ip-10-0-1-23.eu-west-1.compute.internal", ipAddress: "10.0.1.23", instanceID: harness.instanceID), to: harness.cluster)
            await harness.sandbox.world.updateNode(existing.id) { $0.unschedulable = true }
            let host = harness.host()
            let lines = LineCollector()
            let outcome = await harness.agent(runner: host, lines: lines).run(harness.request())
            #expect(outcome.succeeded, "\(lines.lines.joined(separator: "\n"))")
            #expect(await harness.sandbox.world.node(existing.id)?.unschedulable == false)
            #expect(!(await host.changes.contains { $0.command.argv.first == "docker" && $0.command.argv.dropFirst().first == "run" }))
            #expect(lines.lines.contains { $0.contains("uncordon-node: done") })
            let state = try await harness.groupState()
            #expect(state == "InService")
        }
    }
}
