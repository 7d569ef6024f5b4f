import Foundation
import RanchhandTestSupport
import Testing

/// `ranchhand-scale-in replay --dry-run` as a user runs it on recorded batches, offline (a cluster
/// snapshot, no network): a batch with a record that does not decode prints the good records'
/// plans, one stderr line per bad record, and exits 65 as `ranchhand decode` does.
@Suite struct ReplayDryRunTests {
    let snapshot = "Tests/Fixtures/scale-in/rke1-cluster-snapshot.json"

    @Test func aBatchWithAnUndecodableRecordExits65WithOneLineForIt() async throws {
        let output = try await ChildProcess.run(ChildProcess.builtProduct("ranchhand-scale-in"),
                                                ["replay", "--dry-run", "--cluster-snapshot", snapshot, "events/invalid/lambda-sqs-bad-transition.json"])
        #expect(output.status == 65, "\(output.standardError)")
        let errors = output.standardError.split(separator: "\n")
        #expect(errors.count == 1, "\(output.standardError)")
        #expect(errors.first?.hasPrefix("events/invalid/lambda-sqs-bad-transition.json: Records[1].body.LifecycleTransition: unknown value \"x\"") == true)
        #expect(errors.first?.hasSuffix("(SQS message 28207ee2-848d-4a02-ba08-0188377665ff)") == true)
        let plans = String(decoding: output.standardOutput, as: UTF8.self).split(separator: "\n")
        #expect(plans.count == 1 && plans[0].contains("\"instanceId\":\"i-05524b3e81ccea23a\""), "\(plans)")
    }

    @Test func aBatchThatDecodesExits0() async throws {
        let output = try await ChildProcess.run(ChildProcess.builtProduct("ranchhand-scale-in"),
                                                ["replay", "--dry-run", "--cluster-snapshot", snapshot, "events/batches/lambda-sqs-10-records.json"])
        #expect(output.status == 0, "\(output.standardError)")
        #expect(String(decoding: output.standardOutput, as: UTF8.self).split(separator: "\n").count == 10)
    }
}
