import Foundation
import RanchhandClients
import RanchhandEvents
import RanchhandHTTP
import RanchhandTestSupport
import Testing

/// The `ranchhand-capacity` binary as a user runs it: environment, SSM, AWS endpoint override, output.
@Suite("ranchhand-capacity executable against moto")
struct CapacityExecutableTests {
    static func environment(moto: String, extra: [String: String] = [:]) -> [String: String] {
        ["AWS_ENDPOINT_URL": moto, "AWS_REGION": AWSTestContext.region, "AWS_ACCESS_KEY_ID": "testing",
         "AWS_SECRET_ACCESS_KEY": "testing", "AWS_EC2_METADATA_DISABLED": "true", "PATH": "/usr/bin:/bin"].merging(extra) { $1 }
    }

    /// The configuration read from `<RANCHHAND_SSM_PREFIX>config`, as the Lambda function reads it.
    @Test func runReadsItsConfigurationFromSSMAndScalesTheGroup() async throws {
        let (group, namespace, _, sender) = try await AutoScalingTargetTests.fixture()
        let moto = try await MotoServer.shared.endpoints().moto
        let prefix = "/ranchhand/\(MotoServer.uniqueName("cap"))/capacity/"
        let yaml = AutoScalingTargetTests.yaml(group: group, namespace: namespace)
        try await AWSTestContext.seed().parameters([Seed.Parameter(name: prefix + "config", value: yaml)])
        let output = try await ChildProcess.run(ChildProcess.builtProduct("ranchhand-capacity"), ["run", "--json"],
                                                environment: Self.environment(moto: moto, extra: ["RANCHHAND_SSM_PREFIX": prefix]))
        #expect(output.status == 0, "\(output.standardError)")
        let line = try JSONValue.parse(String(decoding: output.standardOutput, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(line["scaler"]?.stringValue == "web")
        #expect(line["action"]?.stringValue == "applied")
        #expect(line["desired"] == .number(4))
        #expect(try await AutoScalingTargetTests.desired(group, sender) == 4)
    }

    @Test func planChangesNothingAndPrintsTheNumbers() async throws {
        let (group, namespace, _, sender) = try await AutoScalingTargetTests.fixture()
        let moto = try await MotoServer.shared.endpoints().moto
        let file = try AutoScalingTargetTests.configurationFile(group: group, namespace: namespace)
        defer { try? FileManager.default.removeItem(at: file) }
        let output = try await ChildProcess.run(ChildProcess.builtProduct("ranchhand-capacity"), ["plan", "--config", file.path],
                                                environment: Self.environment(moto: moto))
        #expect(output.status == 0, "\(output.standardError)")
        let text = String(decoding: output.standardOutput, as: UTF8.self)
        #expect(text.contains("web (autoscaling-group \(group)): 2 → 4 [tracking-target] dry-run"), "\(text)")
        #expect(text.contains("latest 600"))
        #expect(try await AutoScalingTargetTests.desired(group, sender) == 2)
    }

    @Test func aBadConfigurationFailsWithFileLineAndColumn() async throws {
        let moto = try await MotoServer.shared.endpoints().moto
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("\(MotoServer.uniqueName("bad")).yaml")
        try "scalers:\n  - name: web\n    target: {kind: autoscaling-group, name: g}\n    min: 3\n    max: 2\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let output = try await ChildProcess.run(ChildProcess.builtProduct("ranchhand-capacity"), ["run", "--config", file.path],
                                                environment: Self.environment(moto: moto))
        #expect(output.status != 0)
        #expect(output.standardError.contains("\(file.path):5:"), "\(output.standardError)")
        #expect(output.standardError.contains("'max' (2) is below 'min' (3)"))
        #expect(output.standardError.contains("\(file.path):2:5: scaler 'web' needs 'datastore'"))
    }
}

@Suite("ranchhand-capacity loop")
struct CapacityLoopTests {
    /// `loop` evaluates at once, keeps going on its period, and stops cleanly on SIGTERM.
    @Test func loopEvaluatesAtOnceAndStopsOnSIGTERM() async throws {
        let (group, namespace, _, sender) = try await AutoScalingTargetTests.fixture()
        let moto = try await MotoServer.shared.endpoints().moto
        let file = try AutoScalingTargetTests.configurationFile(group: group, namespace: namespace)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = ChildProcess.builtProduct("ranchhand-capacity")
        process.arguments = ["loop", "--config", file.path, "--dry-run"]
        process.environment = CapacityExecutableTests.environment(moto: moto)
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // The first evaluation is printed as one JSON line.
        let firstLine = try await Task.detached { () -> String in
            var buffer = Data()
            while !buffer.contains(UInt8(ascii: "\n")) {
                let chunk = stdout.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                buffer += chunk
            }
            return String(decoding: buffer, as: UTF8.self)
        }.value
        process.terminate()  // SIGTERM
        await Task.detached { process.waitUntilExit() }.value
        let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let evaluation = try JSONValue.parse(String(firstLine.split(separator: "\n").first ?? ""))
        #expect(evaluation["action"]?.stringValue == "dry-run")
        #expect(evaluation["desired"] == .number(4))
        #expect(process.terminationReason == .exit && process.terminationStatus == 0, "\(errors)")
        #expect(errors.contains("capacity loop stopped"))
        #expect(try await AutoScalingTargetTests.desired(group, sender) == 2)
    }
}
