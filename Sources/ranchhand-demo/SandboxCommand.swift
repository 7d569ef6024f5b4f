import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RanchhandSandbox

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `ranchhand sandbox`: the fake Rancher + Kubernetes API + IMDSv2 on this machine, for the demo
/// and for pointing a tool at by hand. Wiring only; the servers live in RanchhandSandbox.
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run a fake Rancher, Kubernetes API and EC2 instance metadata service on localhost.",
        discussion: """
            Serves HTTPS with a CA made at start (its checksum is printed, for --ca-checksum pinning) and plain \
            HTTP, both on 127.0.0.1. The world starts with two clusters (RKE1 "home", RKE2 "edge"); node \
            drains, deletions and registration tokens move on in real time. Stop with Ctrl-C. See docs/sandbox.md.
            """
    )

    @Option(help: "HTTPS port (0 picks a free one).")
    var port = 8443

    @Option(name: .customLong("http-port"), help: "Plain HTTP port (0 picks a free one).")
    var httpPort = 8080

    @Flag(name: .customLong("no-http"), help: "Serve HTTPS only.")
    var noHTTP = false

    @Option(help: "Seed for tokens, ids and fault probabilities.")
    var seed: UInt64 = 1

    @Option(help: "Use this API token instead of a generated one (token-xxxxx:secret).")
    var token: String?

    @Option(name: .customLong("ca-out"), help: "Also write the CA certificate (PEM) to this file.")
    var caOut: String?

    @Option(name: .customLong("drain-seconds"), help: "How long a Rancher drain takes.")
    var drainSeconds = 20

    @Option(name: .customLong("removal-seconds"), help: "How long a deleted node or Machine stays in removal.")
    var removalSeconds = 10

    @Flag(help: "Start with no clusters instead of the standard two.")
    var empty = false

    func run() async throws {
        var configuration = SandboxConfiguration()
        configuration.httpsPort = port
        configuration.httpPort = noHTTP ? nil : httpPort
        configuration.seed = seed
        configuration.apiToken = token
        configuration.clock = .live(startDate: Date())
        configuration.behaviour.drainDuration = .seconds(drainSeconds)
        configuration.behaviour.removalDuration = .seconds(removalSeconds)
        let sandbox = try await Sandbox.start(configuration)
        if !empty { await sandbox.world.loadStandardScenario() }
        if let caOut { try write(sandbox.certificateAuthority.caPEM, to: caOut) }
        let main = sandbox.httpsURL ?? sandbox.httpURL ?? ""
        print("""
            ranchhand sandbox is running (Ctrl-C stops it)
              HTTPS        \(sandbox.httpsURL ?? "off")
              HTTP         \(sandbox.httpURL ?? "off")
              API token    \(sandbox.apiToken)
              CA checksum  \(sandbox.certificateAuthority.caChecksum)\(caOut.map { "\n  CA file      \($0)" } ?? "")
              IMDS         \(sandbox.httpURL ?? main)/latest/meta-data/ (IMDSv2 token: PUT /latest/api/token)

            Try:
              curl -sk -H 'Authorization: Bearer \(sandbox.apiToken)' '\(main)/v3/nodes?clusterId=c-d8f82'
              curl -sk -H 'Authorization: Bearer \(sandbox.apiToken)' '\(main)/k8s/clusters/c-m-4xkq7zp2/apis/networking.k8s.io/v1/ingresses'
            """)
        fflush(nil)
        while !Task.isCancelled {
            try await Task.sleep(for: .seconds(3600))
        }
        await sandbox.stop()
    }

    private func write(_ text: String, to path: String) throws {
        guard let file = fopen(path, "w") else { throw ValidationError("cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { fclose(file) }
        fputs(text, file)
    }
}
