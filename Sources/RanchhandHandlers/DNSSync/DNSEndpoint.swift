import RanchhandClients
import RanchhandEvents

/// The TXT registry's owner id (`--owner`): records whose TXT names another owner are never touched.
public struct OwnerID: StringIdentifier {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// The object a record exists for, as the TXT registry's `resource` label spells it:
/// `ingress/<namespace>/<name>` or `nodes/<group>`. Labels written by external-dns for other kinds
/// (`service/…`, `node/…`) are kept as they are.
public struct DNSResource: StringIdentifier, Comparable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static func ingress(_ id: NamespacedName) -> DNSResource { DNSResource("ingress/\(id.namespace)/\(id.name)") }
    public static func nodes(_ group: AutoScalingGroupName) -> DNSResource { DNSResource("nodes/\(group.rawValue)") }
    public var isNodePool: Bool { rawValue.hasPrefix("nodes/") }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Where a record set lives in a zone: its name and, for multivalue records, its SetIdentifier.
/// A record and its ownership TXT share a key, so they always travel in one change batch.
public struct RecordKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Lower case, trailing dot, Route53's `\052` turned back into `*`.
    public var name: String
    public var setIdentifier: String?

    public init(name: String, setIdentifier: String? = nil) {
        self.name = RecordName.normalized(name)
        self.setIdentifier = setIdentifier
    }

    public var description: String { setIdentifier.map { "\(name) [\($0)]" } ?? name }
    public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.name, lhs.setIdentifier ?? "") < (rhs.name, rhs.setIdentifier ?? "") }
}

public enum RecordName {
    /// `App.Example.com` → `app.example.com.`; Route53's octal escapes (`\052` for `*`) decoded.
    public static func normalized(_ name: String) -> String {
        var text = name
        if text.contains("\\") { text = unescaped(text) }
        return DNSName.normalized(text)
    }

    /// Whether `name` is the zone apex or below it.
    public static func isWithin(_ name: String, zone: String) -> Bool {
        let name = normalized(name), zone = normalized(zone)
        return name == zone || name.hasSuffix("." + zone)
    }

    private static func unescaped(_ text: String) -> String {
        var out = ""
        var characters = Array(text)[...]
        while let first = characters.first {
            characters = characters.dropFirst()
            guard first == "\\", characters.count >= 3, let code = Int(String(characters.prefix(3)), radix: 8),
                  let scalar = Unicode.Scalar(code) else {
                out.append(first)
                continue
            }
            out.unicodeScalars.append(scalar)
            characters = characters.dropFirst(3)
        }
        return out
    }
}

/// What a desired record points at.
public enum RecordTarget: Sendable, Equatable {
    /// IP addresses or one host name, sorted and without duplicates.
    case values([String])
    /// An A ALIAS to a load balancer (no TTL of its own).
    case alias(AliasTarget)
}

/// One record set the sources want to exist.
public struct DNSEndpoint: Sendable, Equatable {
    public var key: RecordKey
    public var type: RecordType
    /// Route53 multivalue answer routing (node pools: one record set per instance).
    public var multiValueAnswer: Bool
    /// Ignored for an alias.
    public var ttl: Int
    public var target: RecordTarget
    public var resource: DNSResource

    public init(name: String, type: RecordType, setIdentifier: String? = nil, multiValueAnswer: Bool = false, ttl: Int = 300,
                target: RecordTarget, resource: DNSResource) {
        self.key = RecordKey(name: name, setIdentifier: setIdentifier)
        self.type = type
        self.multiValueAnswer = multiValueAnswer
        self.ttl = ttl
        if case .values(let values) = target {
            self.target = .values(Array(Set(values)).sorted())
        } else {
            self.target = target
        }
        self.resource = resource
    }

    public var name: String { key.name }

    /// The record set as Route53 takes it.
    public var recordSet: ResourceRecordSet {
        switch target {
        case .values(let values):
            ResourceRecordSet(name: key.name, type: type, setIdentifier: key.setIdentifier, multiValueAnswer: multiValueAnswer ? true : nil,
                              ttl: ttl, values: values)
        case .alias(let alias):
            ResourceRecordSet(name: key.name, type: type, setIdentifier: key.setIdentifier, multiValueAnswer: multiValueAnswer ? true : nil,
                              aliasTarget: alias)
        }
    }
}

/// Everything the sources want, and what they could not express as records.
public struct DesiredRecords: Sendable, Equatable {
    public var endpoints: [DNSEndpoint]
    /// Resources whose existing records are kept as they are although no endpoint is desired for
    /// them now: an Ingress whose load balancer has no address yet. "No status" never deletes.
    public var retained: Set<DNSResource>
    /// Desired records that were refused before planning (outside the zone, unusable targets).
    public var rejected: [RecordConflict]
    /// The resources these sources speak for. An owned record of a resource outside the scope is
    /// never deleted for want of a desired record: a source not configured in this run (a
    /// node-pool-only sync and the Ingress records), or another group's pool, manages it.
    public var scope: ResourceScope

    public init(endpoints: [DNSEndpoint] = [], retained: Set<DNSResource> = [], rejected: [RecordConflict] = [],
                scope: ResourceScope = .everything) {
        self.endpoints = endpoints
        self.retained = retained
        self.rejected = rejected
        self.scope = scope
    }
}

/// Which `resource` labels a sync is authoritative for.
public struct ResourceScope: Sendable, Equatable {
    /// `ingress/…`.
    public var ingresses: Bool
    /// `nodes/<group>` for these groups (nil: any group).
    public var nodeGroups: Set<AutoScalingGroupName>?
    /// Every other kind (`service/…`, `node/…` written by external-dns with the same owner id).
    public var otherKinds: Bool

    public init(ingresses: Bool, nodeGroups: Set<AutoScalingGroupName>?, otherKinds: Bool) {
        self.ingresses = ingresses
        self.nodeGroups = nodeGroups
        self.otherKinds = otherKinds
    }

    public static let everything = ResourceScope(ingresses: true, nodeGroups: nil, otherKinds: true)

    public func contains(_ resource: DNSResource) -> Bool {
        let label = resource.rawValue
        if label.hasPrefix("ingress/") { return ingresses }
        if label.hasPrefix("nodes/") { return nodeGroups.map { $0.contains(AutoScalingGroupName(String(label.dropFirst("nodes/".count)))) } ?? true }
        return otherKinds
    }
}
