import Foundation

/// Many Auto Scaling groups whose terminate hooks all notify one SQS queue, created, terminated and
/// inspected through boto3 (`scripts/testenv/scale_in_fleet.py`) in one process per call — for the
/// scale-in chaos test and the burst benchmark, where one `seed.py` run per instance would dominate.
public struct ScaleInFleet: Sendable {
    public let endpoint: String

    public init(endpoint: String) {
        self.endpoint = endpoint
    }

    public struct Group: Decodable, Sendable {
        public var group: String
        public var instanceIds: [String]
    }

    public struct Created: Decodable, Sendable {
        public var queueUrl: String
        public var queueArn: String
        public var groups: [Group]
    }

    public struct GroupSpec: Encodable, Sendable {
        public var suffix: String
        public var size: Int
        /// `TerminateHookAbandon=retain`: an ABANDON keeps the instance (Terminating:Retained).
        public var retain: Bool
        public init(suffix: String, size: Int, retain: Bool = false) {
            self.suffix = suffix
            self.size = size
            self.retain = retain
        }
    }

    public struct States: Decodable, Sendable {
        /// Lifecycle state of every instance still in the groups.
        public var lifecycle: [String: String]
        /// EC2 state of each instance asked about.
        public var ec2: [String: String]
    }

    /// The hook queue's own settings, as infra/handlers.yaml gives them (nil: SQS's defaults, no dead-letter queue).
    public struct QueueSpec: Encodable, Sendable {
        public var visibilityTimeout: Int
        public var maxReceiveCount: Int
        public init(visibilityTimeout: Int, maxReceiveCount: Int) {
            self.visibilityTimeout = visibilityTimeout
            self.maxReceiveCount = maxReceiveCount
        }
    }

    /// `name-<suffix>` groups of the given sizes, hooks (`ranchhand-scale-in`, DefaultResult ABANDON)
    /// notifying the one queue `name-hook`.
    public func create(_ name: String, groups: [GroupSpec], heartbeatTimeout: Int = 300, queue: QueueSpec? = nil) async throws -> Created {
        struct Arguments: Encodable {
            var name: String
            var groups: [GroupSpec]
            var heartbeatTimeout: Int
            var visibilityTimeout: Int?
            var maxReceiveCount: Int?
        }
        return try await run("create", Arguments(name: name, groups: groups, heartbeatTimeout: heartbeatTimeout,
                                                 visibilityTimeout: queue?.visibilityTimeout, maxReceiveCount: queue?.maxReceiveCount))
    }

    /// Terminates (decrementing) each instance: each goes to Terminating:Wait and is announced on the queue.
    public func terminate(_ instanceIDs: [String]) async throws {
        struct Output: Decodable { var terminated: Int }
        _ = try await run("terminate", ["instanceIds": instanceIDs], as: Output.self)
    }

    public func states(groups: [String], instanceIDs: [String]) async throws -> States {
        try await run("states", ["groups": groups, "instanceIds": instanceIDs])
    }

    private func run<Output: Decodable>(_ command: String, _ arguments: some Encodable, as output: Output.Type = Output.self) async throws -> Output {
        let json = String(decoding: try JSONEncoder().encode(arguments), as: UTF8.self)
        let result = try await ChildProcess.runPython(["scripts/testenv/scale_in_fleet.py", "--endpoint", endpoint, command, json])
        guard result.status == 0 else {
            throw ChildProcess.Failure(description: "scale_in_fleet.py \(command) failed (\(result.status)): \(result.standardError.suffix(2000))")
        }
        return try JSONDecoder().decode(Output.self, from: result.standardOutput)
    }
}
