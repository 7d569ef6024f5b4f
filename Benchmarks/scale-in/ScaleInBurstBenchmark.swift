import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import RanchhandClients
import RanchhandHTTP
import RanchhandSandbox
import RanchhandTestSupport

/// A burst of terminate notifications through SQS, handled by the real `ranchhand-scale-in poll`
/// process against moto (lifecycle hooks) and the sandbox's Rancher (drains and removals finish at
/// once, so what is measured is the handler, not the waits). Reports the handler process's CPU
/// (user + sys, from the kernel) per event and the wall time until `/metrics` counted every event.
@main
struct ScaleInBurstBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale-in-benchmark",
        abstract: "CPU and wall time of ranchhand-scale-in poll for a burst of terminate lifecycle notifications.",
        discussion: """
            Creates Auto Scaling groups in moto whose terminate hooks notify one queue, a Rancher cluster \
            in the in-process sandbox with a node per instance (plus three etcd/control-plane nodes and \
            survivors), terminates --events instances, then runs the ranchhand-scale-in binary in poll mode \
            with --metrics-address until /metrics counts every event as completed. CPU is the child's \
            utime+stime from /proc at that moment (and from its rusage after SIGTERM). Uses \
            RANCHHAND_TEST_MOTO_URL when set (scripts/testenv/start.sh), else starts moto itself.
            """)

    @Option(help: "Terminate notifications in the burst.") var events = 200
    @Option(help: "The ranchhand-scale-in binary (default: next to this benchmark).") var binary: String?
    @Option(help: "Poller concurrency (1-10).") var concurrency = 10
    @Option(help: "Log level of the handler (its JSON lines go to a pipe this benchmark drains).") var logLevel = "info"

    func run() async throws {
        let binary = binary ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("ranchhand-scale-in").path
        guard FileManager.default.isExecutableFile(atPath: binary) else { throw ValidationError("no ranchhand-scale-in at \(binary); pass --binary") }
        let moto = try await MotoServer.shared.endpoints().moto

        var configuration = SandboxConfiguration()
        configuration.httpsPort = nil
        configuration.clock = .live(startDate: Date())
        configuration.behaviour.drainDuration = .zero
        configuration.behaviour.removalDuration = .zero
        let sandbox = try await Sandbox.start(configuration)
        let cluster = RancherClusterID("c-bench\(UUID().uuidString.prefix(4).lowercased())")
        _ = await sandbox.world.addCluster(id: cluster, name: "burst", distro: .rke1)

        // Groups of 28: 25 victims and 3 survivors each; the last group takes the remainder.
        let perGroup = 25
        let groupCount = (events + perGroup - 1) / perGroup
        let fleet = ScaleInFleet(endpoint: moto)
        let created = try await fleet.create(MotoServer.uniqueName("burst"),
                                             groups: (0..<groupCount).map { ScaleInFleet.GroupSpec(suffix: "g\($0)", size: min(perGroup, events - $0 * perGroup) + 3) })
        var victims: [String] = []
        var nodes: [String: RancherNodeID] = [:]
        for (groupIndex, group) in created.groups.enumerated() {
            for (index, instance) in group.instanceIds.enumerated() {
                let node = await sandbox.world.addNode(
                    SandboxNodeSpec(name: "w\(groupIndex)-\(index)", roles: .worker, ipAddress: "10.4.\(groupIndex).\(index + 10)", instanceID: instance),
                    to: cluster)
                nodes[instance] = node.id
                if index < group.instanceIds.count - 3 { victims.append(instance) }
            }
        }
        for index in 0..<3 {
            _ = await sandbox.world.addNode(SandboxNodeSpec(name: "cp-\(index)", roles: .all, ipAddress: "10.5.0.\(index + 10)",
                                                            instanceID: "i-0benchcp\(index)"), to: cluster)
        }
        try await fleet.terminate(victims)
        print("setup: \(victims.count) notifications queued, \(nodes.count + 3) nodes in the cluster, \(created.groups.count) groups")

        let before = Self.childrenUsage()
        let started = ContinuousClock.now
        let child = try BackgroundProcess.start(URL(fileURLWithPath: binary), arguments: [
            "poll", "--queue-url", created.queueUrl, "--metrics-address", "127.0.0.1:0", "--concurrency", "\(concurrency)",
            "--poll-interval", "0.05", "--heartbeat-interval", "10", "--retry-delay", "1", "--log-level", logLevel,
        ], environment: [
            "AWS_ENDPOINT_URL": moto, "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_EC2_METADATA_DISABLED": "true", "RANCHER_URL": sandbox.httpURL!, "RANCHER_TOKEN": sandbox.apiToken, "RANCHHAND_CLUSTER": cluster.rawValue,
        ])
        let url = try await child.metricsURL()
        let line = #"ranchhand_scale_in_total{decision="deregister",outcome="completed-continue"} "#
        var completed = 0
        while completed < victims.count {
            guard child.process.isRunning else { throw ValidationError("the handler exited: \(child.standardError.suffix(2000))") }
            guard started.duration(to: .now) < .seconds(900) else { throw ValidationError("only \(completed) of \(victims.count) completed in 15 min") }
            try await Task.sleep(for: .milliseconds(100))
            let text = (try? await AWSTestContext.transport.send(HTTPRequest(method: "GET", url: url, timeout: .seconds(5)),
                                                                 service: "bench", operation: "scrape")).map { String(decoding: $0.body, as: UTF8.self) } ?? ""
            completed = text.split(separator: "\n").first { $0.hasPrefix(line) }.flatMap { Int($0.dropFirst(line.count)) } ?? 0
        }
        let wall = started.duration(to: .now)
        let atCompletion = try child.cpuFromProc()
        let peakRSS = child.peakRSSFromProc()
        let status = try await child.terminate(within: .seconds(40))
        let after = Self.childrenUsage()

        let states = try await fleet.states(groups: created.groups.map(\.group), instanceIDs: victims)
        let terminated = victims.filter { states.ec2[$0] == "terminated" }.count
        var gone = 0
        for victim in victims where await sandbox.world.node(nodes[victim]!) == nil { gone += 1 }
        await sandbox.stop()

        let wallSeconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
        let exitCPU = (user: after.user - before.user, system: after.system - before.system)
        print("handler exit status after SIGTERM: \(status); instances terminated: \(terminated)/\(victims.count); nodes removed: \(gone)/\(victims.count)")
        print("| events | concurrency | wall s | events/s | CPU user+sys at completion | CPU per event | CPU at exit (rusage) | per event | peak RSS |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        let completionMs = (atCompletion.user + atCompletion.system) * 1000, exitMs = (exitCPU.user + exitCPU.system) * 1000
        print(String(format: "| %d | %d | %.1f | %.1f | %.0f ms (user %.0f, sys %.0f) | %.2f ms | %.0f ms | %.2f ms | %.1f MB |",
                     victims.count, concurrency, wallSeconds, Double(victims.count) / wallSeconds, completionMs, atCompletion.user * 1000,
                     atCompletion.system * 1000, completionMs / Double(victims.count), exitMs, exitMs / Double(victims.count), peakRSS / 1_048_576))
        guard status == 0, terminated == victims.count, gone == victims.count else { throw ExitCode(1) }
    }

    /// User and system CPU seconds of every child waited for so far.
    static func childrenUsage() -> (user: Double, system: Double) {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        return (Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6, Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6)
    }
}

/// What the benchmark reads of the handler process, from /proc.
extension BackgroundProcess {
    /// utime and stime (seconds) from /proc/<pid>/stat, fields 14 and 15 after the command name.
    func cpuFromProc() throws -> (user: Double, system: Double) {
        let stat = try String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8)
        guard let close = stat.lastIndex(of: ")") else { throw ValidationError("unreadable /proc stat") }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { throw ValidationError("unreadable /proc stat") }
        return (user / ticks, system / ticks)
    }

    /// VmHWM from /proc/<pid>/status, in bytes.
    func peakRSSFromProc() -> Double {
        let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) * 1024
    }
}
