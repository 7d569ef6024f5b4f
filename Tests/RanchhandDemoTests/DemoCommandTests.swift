import Foundation
import Testing

/// `ranchhand demo` as a user runs it (the built executable, its output read as printed).
@Suite struct DemoCommandTests {
    @Test func aLaunchEventBootstrapsAWorkerThatTheLaterStepsSee() async throws {
        let run = try DemoRun.demo(["--skip-capacity"])
        #expect(run.status == 0, "\(run.standardError)")
        let lines = run.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let step1 = try #require(lines.firstIndex { $0.hasPrefix("== 1. Bootstrap:") }, "\(run.standardOutput)")
        let step2 = try #require(lines.firstIndex { $0.hasPrefix("== 2. Events:") })
        #expect(step1 < step2 && lines.firstIndex { $0.hasPrefix("== ") } == step1, "the bootstrap step comes first")
        let bootstrap = lines[step1..<step2]

        #expect(bootstrap.contains("   event: autoscaling:EC2_INSTANCE_LAUNCHING i-0c564ed9daf0e846a in rancher-prod-workers, hook ranchhand-bootstrap"))
        #expect(bootstrap.contains("   plan: i-0c564ed9daf0e846a in rancher-prod-workers (InService): join edge (c-m-4xkq7zp2, RKE2) as worker; "
                                   + "launch hook ranchhand-bootstrap waiting"))
        let steps = bootstrap.filter { $0.hasPrefix("     ") }
        #expect(steps.first == "     1. install ranchhand-bootstrap.service so the agent runs at every boot")
        #expect(steps.contains("     6. register with edge (c-m-4xkq7zp2, RKE2) as ip-10-0-2-31.eu-west-1.compute.internal"))
        #expect(steps.last == "     8. complete launch lifecycle action ranchhand-bootstrap with CONTINUE")

        // The join command: roles and labels from the hook metadata, the instance id label, the token redacted.
        let join = try #require(bootstrap.first { $0.contains("system-agent-install.sh --server") }, "\(bootstrap)")
        #expect(join.hasPrefix("   $ CATTLE_TOKEN=<redacted: registration token c-m-4xkq7zp2:default-token, 54 characters> sh "))
        #expect(join.contains(" --worker --node-name ip-10-0-2-31.eu-west-1.compute.internal --address 10.0.2.31 --internal-address 10.0.2.31 "))
        #expect(join.hasSuffix("--label ranchhand.io/instance-id=i-0c564ed9daf0e846a --label node.kubernetes.io/pool=workers-a"))
        #expect(run.standardOutput.components(separatedBy: "CATTLE_TOKEN=").count == 2, "the token appears only in its redacted form")
        #expect(bootstrap.contains { $0.hasPrefix("   Rancher: c-m-4xkq7zp2:machine-") && $0.contains(" active; then CompleteLifecycleAction") })

        // The scale-in step, later, sees the joined node in the cluster.
        let left = try #require(lines.first { $0.hasPrefix("   nodes left in edge: ") })
        #expect(left.contains("ip-10-0-2-31.eu-west-1.compute.internal") && !left.contains("edge-worker-1"), "\(left)")
    }
}

enum DemoRun {
    struct Output {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// The `ranchhand` built next to the test bundle.
    static func demo(_ arguments: [String]) throws -> Output {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("ranchhand")
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let executable = FileManager.default.isExecutableFile(atPath: binary.path) ? binary : root.appendingPathComponent(".build/debug/ranchhand")
        let process = Process()
        process.executableURL = executable
        process.arguments = ["demo"] + arguments
        process.currentDirectoryURL = FileManager.default.temporaryDirectory
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "AWS_ENDPOINT_URL")  // the dry-run path: no AWS endpoint
        process.environment = environment
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("demo-\(UUID().uuidString).out")
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("demo-\(UUID().uuidString).err")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        FileManager.default.createFile(atPath: errors.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: output)
            try? FileManager.default.removeItem(at: errors)
        }
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, standardOutput: try String(contentsOf: output, encoding: .utf8),
                      standardError: try String(contentsOf: errors, encoding: .utf8))
    }
}
