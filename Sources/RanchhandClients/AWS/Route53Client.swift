import RanchhandEvents

/// The Route53 calls the DNS syncer makes. Zone and change ids are given and returned without
/// their `/hostedzone/` and `/change/` prefixes.
public protocol Route53Client: Sendable {
    /// Zones in Route53's order (reversed labels) starting at `dnsName`, all pages read until
    /// `limit` zones are collected (`nil`: every zone after `dnsName`).
    func listHostedZonesByName(startingAt dnsName: String?, limit: Int?) async throws(ClientError) -> [HostedZone]
    /// Every record set of `zone`, all pages read (NextRecordName/Type/Identifier).
    func listResourceRecordSets(_ zone: HostedZoneID, pageSize: Int?) async throws(ClientError) -> [ResourceRecordSet]
    /// Applies `changes` atomically. Not retried after an ambiguous failure (a repeated CREATE fails).
    func changeResourceRecordSets(_ zone: HostedZoneID, changes: [RecordChange], comment: String?) async throws(ClientError) -> ChangeInfo
    func getChange(_ id: ChangeID) async throws(ClientError) -> ChangeInfo
}

extension Route53Client {
    /// The zones called exactly `name` (a public and private zone may share it), trailing dot and
    /// case ignored.
    public func hostedZones(named name: String) async throws(ClientError) -> [HostedZone] {
        let wanted = DNSName.normalized(name)
        return try await listHostedZonesByName(startingAt: wanted, limit: 100).filter { DNSName.normalized($0.name) == wanted }
    }
}

public struct HostedZoneID: StringIdentifier {
    public let rawValue: String
    /// Accepts `Z123` or `/hostedzone/Z123`.
    public init(rawValue: String) {
        self.rawValue = rawValue.hasPrefix("/hostedzone/") ? String(rawValue.dropFirst("/hostedzone/".count)) : rawValue
    }
}

public struct ChangeID: StringIdentifier {
    public let rawValue: String
    /// Accepts `C123` or `/change/C123`.
    public init(rawValue: String) {
        self.rawValue = rawValue.hasPrefix("/change/") ? String(rawValue.dropFirst("/change/".count)) : rawValue
    }
}

public enum DNSName {
    /// Lower case with the trailing dot: `App.Example.com` → `app.example.com.`.
    public static func normalized(_ name: String) -> String {
        let lower = name.lowercased()
        return lower.hasSuffix(".") ? lower : lower + "."
    }
}

public struct HostedZone: Sendable, Equatable {
    public var id: HostedZoneID
    /// As Route53 writes it, with the trailing dot.
    public var name: String
    public var isPrivate: Bool
    public var recordSetCount: Int?
    public var comment: String?

    public init(id: HostedZoneID, name: String, isPrivate: Bool, recordSetCount: Int? = nil, comment: String? = nil) {
        self.id = id
        self.name = name
        self.isPrivate = isPrivate
        self.recordSetCount = recordSetCount
        self.comment = comment
    }
}

/// `A`, `AAAA`, `CNAME`, `TXT`, … kept open so an unfamiliar type in a listing is not an error.
public struct RecordType: RawRepresentable, Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue.uppercased() }
    public init(stringLiteral value: String) { self.init(rawValue: value) }
    public var description: String { rawValue }

    public static let a = RecordType(rawValue: "A")
    public static let aaaa = RecordType(rawValue: "AAAA")
    public static let cname = RecordType(rawValue: "CNAME")
    public static let txt = RecordType(rawValue: "TXT")
    public static let ns = RecordType(rawValue: "NS")
    public static let soa = RecordType(rawValue: "SOA")
}

public struct AliasTarget: Sendable, Equatable {
    public var hostedZoneID: HostedZoneID
    public var dnsName: String
    public var evaluateTargetHealth: Bool

    public init(hostedZoneID: HostedZoneID, dnsName: String, evaluateTargetHealth: Bool) {
        self.hostedZoneID = hostedZoneID
        self.dnsName = dnsName
        self.evaluateTargetHealth = evaluateTargetHealth
    }
}

public struct ResourceRecordSet: Sendable, Equatable {
    public var name: String
    public var type: RecordType
    public var setIdentifier: String?
    public var weight: Int?
    public var region: String?
    public var failover: String?
    public var multiValueAnswer: Bool?
    /// `nil` for alias records (which have no TTL of their own).
    public var ttl: Int?
    /// The record values; TXT values carry their literal double quotes.
    public var values: [String]
    public var aliasTarget: AliasTarget?
    public var healthCheckID: String?

    public init(name: String, type: RecordType, setIdentifier: String? = nil, weight: Int? = nil, region: String? = nil,
                failover: String? = nil, multiValueAnswer: Bool? = nil, ttl: Int? = nil, values: [String] = [],
                aliasTarget: AliasTarget? = nil, healthCheckID: String? = nil) {
        self.name = name
        self.type = type
        self.setIdentifier = setIdentifier
        self.weight = weight
        self.region = region
        self.failover = failover
        self.multiValueAnswer = multiValueAnswer
        self.ttl = ttl
        self.values = values
        self.aliasTarget = aliasTarget
        self.healthCheckID = healthCheckID
    }
}

public struct RecordChange: Sendable, Equatable {
    public enum Action: String, Sendable, CaseIterable {
        case create = "CREATE"
        case delete = "DELETE"
        case upsert = "UPSERT"
    }

    public var action: Action
    public var recordSet: ResourceRecordSet

    public init(_ action: Action, _ recordSet: ResourceRecordSet) {
        self.action = action
        self.recordSet = recordSet
    }
}

public struct ChangeInfo: Sendable, Equatable {
    public enum Status: String, Sendable {
        case pending = "PENDING"
        case inSync = "INSYNC"
    }

    public var id: ChangeID
    /// `nil` when Route53 answered with a status this version does not know.
    public var status: Status?
    public var submittedAt: Timestamp?
    public var comment: String?

    public init(id: ChangeID, status: Status?, submittedAt: Timestamp? = nil, comment: String? = nil) {
        self.id = id
        self.status = status
        self.submittedAt = submittedAt
        self.comment = comment
    }
}
