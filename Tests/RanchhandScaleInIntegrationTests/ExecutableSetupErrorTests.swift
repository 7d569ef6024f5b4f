import Foundation
import RanchhandTestSupport
import Testing

/// Every executable, from the debug build (what `swift run` gives a new user), on its setup-error
/// paths: no AWS credentials, an unreachable AWS, Rancher or instance metadata endpoint, bad
/// flags. Each must exit non-zero with its error on stderr — never die of a signal (a debug build
/// traps on an HTTP client dropped without being shut down), nor take long to say so. Nothing real is reached: every
/// endpoint is a closed port on 127.0.0.1, instance metadata is off unless aimed at one.
@Suite struct ExecutableSetupErrorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var product: String
        var arguments: [String]
        var environment: [String: String] = [:]
        var credentials = false
        /// A fragment stderr must hold.
        var says: String
        /// Setup errors before any network call print exactly one line.
        var oneLine = false
        var testDescription: String { name }
    }

    static let closed = "127.0.0.1:1"
    static let cases: [Case] = [
        Case(name: "dns sync, no credentials", product: "ranchhand-dns",
             arguments: ["sync", "--zone-id", "Z1", "--owner", "o", "--policy", "sync", "--group", "g", "--node-record", "pool.example.com"],
             says: "no AWS credentials", oneLine: true),
        Case(name: "dns sync, AWS unreachable", product: "ranchhand-dns",
             arguments: ["sync", "--zone-id", "Z1", "--owner", "o", "--policy", "sync", "--group", "g", "--node-record", "pool.example.com"],
             credentials: true, says: "sync failed"),
        Case(name: "dns sync, bad flags", product: "ranchhand-dns", arguments: ["sync", "--zone-id", "Z1", "--owner", "o", "--policy", "sync"],
             says: "Error: nothing to sync"),
        Case(name: "scale-in snapshot, no credentials", product: "ranchhand-scale-in", arguments: ["snapshot"],
             environment: ["RANCHER_URL": "https://\(closed)", "RANCHER_TOKEN": "token-x:y", "RANCHHAND_CLUSTER": "c-abc12"],
             says: "no AWS credentials", oneLine: true),
        Case(name: "scale-in snapshot, Rancher unreachable", product: "ranchhand-scale-in", arguments: ["snapshot", "--group", "g"],
             environment: ["RANCHER_URL": "https://\(closed)", "RANCHER_TOKEN": "token-x:y", "RANCHHAND_CLUSTER": "c-abc12"],
             credentials: true, says: "/v3/nodes"),
        Case(name: "scale-in reconcile, no credentials", product: "ranchhand-scale-in", arguments: ["reconcile", "--dry-run"],
             environment: ["RANCHER_URL": "https://\(closed)", "RANCHER_TOKEN": "token-x:y", "RANCHHAND_CLUSTER": "c-abc12"],
             says: "no AWS credentials", oneLine: true),
        Case(name: "scale-in replay, bad flags", product: "ranchhand-scale-in", arguments: ["replay", "--cluster-snapshot", "x.json", "y.json"],
             says: "--cluster-snapshot is for offline planning"),
        Case(name: "capacity run, no configuration", product: "ranchhand-capacity", arguments: ["run"], says: "no configuration"),
        Case(name: "capacity run, unreadable configuration", product: "ranchhand-capacity", arguments: ["run", "--config", "/nonexistent/c.yaml"],
             says: "cannot read the configuration /nonexistent/c.yaml"),
        Case(name: "bootstrap plan, instance metadata unreachable", product: "ranchhand-bootstrap", arguments: ["plan", "--root", "/nonexistent"],
             environment: ["AWS_EC2_METADATA_DISABLED": "false", "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://\(closed)"],
             says: "who-am-I failed: imds PUT /latest/api/token"),
    ]

    @Test(arguments: cases)
    func exitsNonZeroWithItsErrorAndNoSignal(_ setup: Case) async throws {
        var environment = ["PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "AWS_REGION": "eu-west-1", "AWS_EC2_METADATA_DISABLED": "true",
                           "AWS_CONFIG_FILE": "/nonexistent/config", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials"]
        if setup.credentials {
            environment.merge(["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                               "AWS_ENDPOINT_URL": "http://\(Self.closed)"]) { $1 }
        }
        environment.merge(setup.environment) { $1 }
        let started = ContinuousClock.now
        let output = try await ChildProcess.run(ChildProcess.builtProduct(setup.product), setup.arguments, environment: environment)
        // A refused connection must fail fast: each attempt once took the whole 10 s connect timeout (50 s in all).
        let took = started.duration(to: .now)
        #expect(took < .seconds(20), "\(setup.name): took \(took) to fail")
        #expect(!output.signaled, "\(setup.name): killed by signal \(output.status)\n\(output.standardError.suffix(1500))")
        #expect(output.status != 0, "\(setup.name): exit 0")
        #expect(output.standardError.contains(setup.says) || String(decoding: output.standardOutput, as: UTF8.self).contains(setup.says),
                "\(setup.name): \(output.standardError.suffix(1500))")
        if setup.oneLine {
            let lines = output.standardError.split(separator: "\n")
            #expect(lines.count == 1, "\(setup.name): \(lines.count) lines on stderr:\n\(output.standardError.suffix(1500))")
        }
    }
}
