// One of the processes the cross-process lease test starts: for each round, it waits at a file
// barrier with the other processes, then deletes its Rancher node under the cluster's DynamoDB
// deletion lease (or, with --no-lease, without it: the control that shows the test can fail).
// Uses the production lease, store and clients; prints one line and exits 0 when every round is done.
import Foundation
import Logging
import RanchhandClients
import RanchhandHandlers
import RanchhandHTTP
import RanchhandTestSupport

struct DrillOptions {
    var values: [String: String] = [:]
    var flags: Set<String> = []

    init(_ arguments: [String]) throws {
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            guard word.hasPrefix("--") else { throw DrillError("unexpected argument \(word)") }
            if word == "--no-lease" {
                flags.insert(word)
                index += 1
            } else {
                guard index + 1 < arguments.count else { throw DrillError("\(word) needs a value") }
                values[String(word.dropFirst(2))] = arguments[index + 1]
                index += 2
            }
        }
    }

    func value(_ name: String) throws -> String {
        guard let value = values[name] else { throw DrillError("--\(name) is required") }
        return value
    }

    func number(_ name: String) throws -> Int {
        guard let number = Int(try value(name)) else { throw DrillError("--\(name) must be a number") }
        return number
    }
}

struct DrillError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Every party writes `round-R.I` and waits until all parties' files of round R exist.
func barrier(_ directory: URL, round: Int, index: Int, parties: Int, deadline: Date) async throws {
    FileManager.default.createFile(atPath: directory.appendingPathComponent("round-\(round).\(index)").path, contents: nil)
    while (0..<parties).contains(where: { !FileManager.default.fileExists(atPath: directory.appendingPathComponent("round-\(round).\($0)").path) }) {
        guard Date() < deadline else { throw DrillError("barrier of round \(round) timed out") }
        try await Task.sleep(for: .milliseconds(1))
    }
}

func drill(_ options: DrillOptions) async throws {
    let index = try options.number("index"), parties = try options.number("parties"), rounds = try options.number("rounds")
    let nodes = try options.value("nodes").split(separator: ",").map { RancherNodeID(String($0)) }
    guard nodes.count >= rounds * parties else { throw DrillError("--nodes needs \(rounds * parties) ids") }
    let logger = Logger(label: "lease-drill.\(index)")
    let rancher = LiveRancherClient(configuration: RancherConfiguration(baseURL: try options.value("rancher"), token: RancherAPIToken(try options.value("token")),
                                                                        retryPolicy: AWSTestContext.fastRetries),
                                    transport: AWSTestContext.transport, logger: logger)
    let store = LiveDynamoDBLeaseStore(sender: AWSTestContext.sender(endpoint: try options.value("moto")), table: try options.value("table"))
    let lease = DeletionLease(store: store, holder: "drill-\(index)-\(ProcessInfo.processInfo.processIdentifier)", duration: .seconds(20),
                              timing: ScaleInTiming(pollInterval: .milliseconds(5)), logger: logger)
    let cluster = try options.value("cluster"), directory = URL(fileURLWithPath: try options.value("barrier"))
    let useLease = !options.flags.contains("--no-lease")
    for round in 0..<rounds {
        try await barrier(directory, round: round, index: index, parties: parties, deadline: Date().addingTimeInterval(60))
        let victim = nodes[round * parties + index]
        guard useLease else {
            _ = try await rancher.deleteNode(victim)
            continue
        }
        var deleted = false
        while !deleted {
            // As the executor does: the destructive call only while the lease is still held.
            deleted = try await lease.withLease(for: cluster, until: Date().addingTimeInterval(60)) { held in
                guard held.stillHeld else { return false }
                return (try? await rancher.deleteNode(victim)) != nil
            } ?? false
        }
    }
    print("lease-drill \(index): \(rounds) rounds done")
}

do {
    try await drill(try DrillOptions(Array(CommandLine.arguments.dropFirst())))
} catch {
    FileHandle.standardError.write(Data("lease-drill: \(error)\n".utf8))
    exit(1)
}
