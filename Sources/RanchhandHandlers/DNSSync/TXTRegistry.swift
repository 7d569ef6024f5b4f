import RanchhandClients

/// The external-dns TXT registry, in its current format, so ranchhand and external-dns can share a
/// zone and hand records over either way.
///
/// * Value: `"heritage=external-dns,external-dns/owner=<id>,external-dns/resource=<kind>/<ns>/<name>"`
///   (quoted, `heritage` first, labels sorted by key).
/// * Name: `<prefix><type>-<first label><suffix>.<rest>` with the record type in lower case
///   (`a-app.example.com.`); when the prefix or suffix holds `%{record_type}`, the type goes there
///   instead. A leading `*` is replaced by `wildcardReplacement` when one is set.
/// * A TXT with a SetIdentifier belongs to the record with the same SetIdentifier.
/// * Before external-dns v0.22 an A ALIAS was owned by a `cname-` TXT; that one is still read.
public struct TXTRegistry: Sendable, Equatable {
    public static let recordTypeTemplate = "%{record_type}"
    public var prefix: String
    public var suffix: String
    public var wildcardReplacement: String?
    /// The TTL of the TXT records written (external-dns leaves it to the provider default, 300).
    public var ttl: Int

    public init(prefix: String = "", suffix: String = "", wildcardReplacement: String? = nil, ttl: Int = 300) {
        self.prefix = prefix
        self.suffix = suffix
        self.wildcardReplacement = wildcardReplacement
        self.ttl = ttl
    }

    /// The TXT name that records ownership of `name`'s record of `type`.
    public func txtName(for name: String, type: RecordType) -> String {
        let recordType = type.rawValue.lowercased()
        let normalized = RecordName.normalized(name)
        let trimmed = String(normalized.dropLast())
        let parts = trimmed.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        var first = parts[0]
        if let wildcardReplacement, !wildcardReplacement.isEmpty, first == "*" { first = wildcardReplacement }
        let typeInAffix = prefix.contains(Self.recordTypeTemplate) || suffix.contains(Self.recordTypeTemplate)
        if !typeInAffix { first = recordType + "-" + first }
        let prefix = prefix.replacingOccurrences(of: Self.recordTypeTemplate, with: recordType)
        let suffix = suffix.replacingOccurrences(of: Self.recordTypeTemplate, with: recordType)
        let label = prefix + first + suffix
        return RecordName.normalized(parts.count < 2 ? label : label + "." + parts[1])
    }

    /// The TXT record set that says `owner` owns the record `endpoint` describes.
    public func ownershipRecord(for key: RecordKey, type: RecordType, multiValueAnswer: Bool?, labels: OwnershipLabels) -> ResourceRecordSet {
        ResourceRecordSet(name: txtName(for: key.name, type: type), type: .txt, setIdentifier: key.setIdentifier,
                          multiValueAnswer: multiValueAnswer, ttl: ttl, values: [labels.txtValue])
    }
}

/// The labels a registry TXT carries. Parsing follows external-dns's `NewLabelsFromStringPlain`:
/// quotes dropped, tokens split on `,`, tokens without exactly one `=` skipped, `heritage` must be
/// `external-dns` (else the record is not a registry record at all), `external-dns/<key>` kept.
public struct OwnershipLabels: Sendable, Hashable {
    public static let heritage = "external-dns"
    public var labels: [String: String]

    public init(owner: OwnerID, resource: DNSResource) {
        labels = ["owner": owner.rawValue, "resource": resource.rawValue]
    }

    public init(labels: [String: String]) {
        self.labels = labels
    }

    public var owner: OwnerID? { labels["owner"].map(OwnerID.init(rawValue:)) }
    public var resource: DNSResource? { labels["resource"].map(DNSResource.init(rawValue:)) }

    /// `"heritage=external-dns,external-dns/owner=…,external-dns/resource=…"`, quotes included.
    public var txtValue: String {
        let tokens = ["heritage=\(Self.heritage)"] + labels.keys.sorted().map { "external-dns/\($0)=\(labels[$0]!)" }
        return "\"" + tokens.joined(separator: ",") + "\""
    }

    /// nil when `value` is not an external-dns registry value (any other TXT, an encrypted one).
    public init?(txtValue value: String) {
        var text = Substring(value)
        while text.first == "\"" { text = text.dropFirst() }
        while text.last == "\"" { text = text.dropLast() }
        var found = false
        var labels: [String: String] = [:]
        for token in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pair = token.split(separator: "=", omittingEmptySubsequences: false)
            guard pair.count == 2 else { continue }
            let key = String(pair[0]), value = String(pair[1])
            if key == "heritage" {
                guard value == Self.heritage else { return nil }
                found = true
            } else if key.hasPrefix("external-dns/") {
                labels[String(key.dropFirst("external-dns/".count))] = value
            }
        }
        guard found else { return nil }
        self.labels = labels
    }
}
