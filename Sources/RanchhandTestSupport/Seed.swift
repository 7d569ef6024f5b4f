import Foundation

/// Fixtures created, and outcomes checked, through boto3 (`scripts/testenv/seed.py`): test setup
/// never goes through the code under test.
public struct Seed: Sendable {
    public let endpoint: String

    public init(endpoint: String) {
        self.endpoint = endpoint
    }

    /// Runs `seed.py --endpoint … command 'arguments-as-JSON'` and decodes what it prints.
    public func run<Output: Decodable>(_ command: String, _ arguments: some Encodable, as output: Output.Type = Output.self) async throws -> Output {
        let json = String(decoding: try JSONEncoder().encode(arguments), as: UTF8.self)
        let result = try await ChildProcess.runPython(["scripts/testenv/seed.py", "--endpoint", endpoint, command, json])
        guard result.status == 0 else {
            throw ChildProcess.Failure(description: "seed.py \(command) failed (\(result.status)): \(result.standardError.suffix(2000))")
        }
        do {
            return try JSONDecoder().decode(Output.self, from: result.standardOutput)
        } catch {
            throw ChildProcess.Failure(description: "seed.py \(command) printed \(String(decoding: result.standardOutput, as: UTF8.self)): \(error)")
        }
    }

    // MARK: - Typed commands

    public struct Group: Decodable, Sendable {
        public var group: String
        public var instanceIds: [String]
        public var hook: String?
        public var queueUrl: String?
        public var queueArn: String?
    }

    public struct Hook: Encodable, Sendable {
        public var name: String
        public var heartbeatTimeout: Int
        public var defaultResult: String
        public init(name: String, heartbeatTimeout: Int = 300, defaultResult: String = "ABANDON") {
            self.name = name
            self.heartbeatTimeout = heartbeatTimeout
            self.defaultResult = defaultResult
        }
    }

    public func group(_ name: String, desired: Int = 2, hook: Hook? = nil, queue: Bool = false, retain: Bool = false) async throws -> Group {
        struct Arguments: Encodable { var name: String; var desired: Int; var hook: Hook?; var queue: Bool; var retain: Bool }
        return try await run("group", Arguments(name: name, desired: desired, hook: hook, queue: queue, retain: retain))
    }

    public struct States: Decodable, Sendable { public var states: [String: String] }

    public func terminate(_ instanceID: String, decrement: Bool = true) async throws {
        struct Arguments: Encodable { var instanceId: String; var decrement: Bool }
        struct Nothing: Decodable {}
        _ = try await run("terminate", Arguments(instanceId: instanceID, decrement: decrement), as: Nothing.self)
    }

    public func groupStates(_ name: String) async throws -> [String: String] {
        try await run("group-states", ["name": name], as: States.self).states
    }

    public func ec2States(_ instanceIDs: [String]) async throws -> [String: String] {
        try await run("ec2-states", ["instanceIds": instanceIDs], as: States.self).states
    }

    /// `reservations` run_instances calls of `count` each (moto pages DescribeInstances by reservation).
    public func instances(count: Int, tags: [String: String], reservations: Int = 1) async throws -> [String] {
        struct Arguments: Encodable { var count: Int; var tags: [String: String]; var reservations: Int }
        struct Output: Decodable { var instanceIds: [String] }
        return try await run("instances", Arguments(count: count, tags: tags, reservations: reservations), as: Output.self).instanceIds
    }

    public struct Parameter: Encodable, Sendable {
        public var name: String
        public var type: String
        public var value: String
        public init(name: String, type: String = "String", value: String) {
            self.name = name
            self.type = type
            self.value = value
        }
    }

    /// A DynamoDB table for the scale-in deletion lease (partition key `lease`).
    public func leaseTable(_ name: String) async throws {
        struct Output: Decodable { var name: String }
        _ = try await run("lease-table", ["name": name], as: Output.self)
    }

    public func parameters(_ parameters: [Parameter]) async throws {
        struct Output: Decodable { var names: [String] }
        _ = try await run("parameters", ["parameters": parameters], as: Output.self)
    }

    public struct Record: Codable, Sendable, Equatable {
        public struct Alias: Codable, Sendable, Equatable {
            public var hostedZoneId: String
            public var dnsName: String
            public init(hostedZoneId: String, dnsName: String) {
                self.hostedZoneId = hostedZoneId
                self.dnsName = dnsName
            }
        }
        public var name: String
        public var type: String
        public var ttl: Int?
        public var values: [String]
        public var setIdentifier: String?
        public var alias: Alias?
        public init(name: String, type: String, ttl: Int? = 300, values: [String]) {
            self.name = name
            self.type = type
            self.ttl = ttl
            self.values = values
        }
    }

    /// A public zone with `records` created in it; returns the zone id (no `/hostedzone/`).
    public func zone(_ name: String, records: [Record] = []) async throws -> String {
        struct Arguments: Encodable { var name: String; var records: [Record] }
        struct Output: Decodable { var zoneId: String }
        return try await run("zone", Arguments(name: name, records: records), as: Output.self).zoneId
    }

    public func records(zoneID: String) async throws -> [Record] {
        struct Output: Decodable { var records: [Record] }
        return try await run("records", ["zoneId": zoneID], as: Output.self).records
    }

    public struct LoadBalancer: Decodable, Sendable {
        public var arn: String
        public var dnsName: String
        public var canonicalHostedZoneId: String
    }

    public func loadBalancer(_ name: String) async throws -> LoadBalancer {
        try await run("load-balancer", ["name": name])
    }

    public struct Point: Encodable, Sendable {
        public var timestamp: Double
        public var value: Double
        public init(timestamp: Double, value: Double) {
            self.timestamp = timestamp
            self.value = value
        }
    }

    public func metrics(namespace: String, metricName: String, dimensions: [String: String], points: [Point]) async throws {
        struct Arguments: Encodable { var namespace: String; var metricName: String; var dimensions: [String: String]; var points: [Point] }
        struct Nothing: Decodable {}
        _ = try await run("metrics", Arguments(namespace: namespace, metricName: metricName, dimensions: dimensions, points: points),
                          as: Nothing.self)
    }

    public struct MetricSum: Decodable, Sendable {
        public var sum: Double
        public var count: Double
    }

    public func metricSum(namespace: String, metricName: String, dimensions: [String: String], start: Double, end: Double,
                          period: Int) async throws -> MetricSum {
        struct Arguments: Encodable {
            var namespace: String; var metricName: String; var dimensions: [String: String]; var start: Double; var end: Double; var period: Int
        }
        return try await run("metric-sum", Arguments(namespace: namespace, metricName: metricName, dimensions: dimensions,
                                                     start: start, end: end, period: period))
    }

    public struct Message: Encodable, Sendable {
        public var body: String
        public var attributes: [String: String]
        public init(body: String, attributes: [String: String] = [:]) {
            self.body = body
            self.attributes = attributes
        }
    }

    public struct Queue: Decodable, Sendable {
        public var queueUrl: String
        public var queueArn: String
    }

    public func queue(_ name: String, messages: [Message] = []) async throws -> Queue {
        struct Arguments: Encodable { var name: String; var messages: [Message] }
        return try await run("queue", Arguments(name: name, messages: messages))
    }

    /// Sends `body` to an existing queue.
    public func send(queueURL: String, body: String) async throws {
        struct Output: Decodable { var messageId: String }
        _ = try await run("send", ["queueUrl": queueURL, "body": body], as: Output.self)
    }

    public struct QueueCounts: Decodable, Sendable, Equatable {
        public var visible: Int
        public var inFlight: Int
        public init(visible: Int, inFlight: Int) {
            self.visible = visible
            self.inFlight = inFlight
        }
    }

    public func queueCounts(_ queueURL: String) async throws -> QueueCounts {
        try await run("queue-counts", ["queueUrl": queueURL])
    }

    public struct AccessKey: Decodable, Sendable {
        public var accessKeyId: String
        public var secretAccessKey: String
    }

    public func iamUser(_ name: String) async throws -> AccessKey {
        try await run("iam-user", ["name": name])
    }
}
