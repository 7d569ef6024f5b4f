import RanchhandEvents
import RanchhandClients

/// The `--dry-run` (and `sync`) output, one JSON object per sync, keys in this order:
/// `{"version":1, "zone", "owner", "changes":[{"action","name","type","ttl","setIdentifier",
/// "values"|"alias":{"dnsName","hostedZoneId","evaluateTargetHealth"},"resource"}], "conflicts":
/// [{"name","type","setIdentifier","resource","reason"}], "apiCalls":{"list","change"}}`; after an
/// apply also `"rejected":[{"name","type","setIdentifier","resource","message"}]` and `"error"`.
/// TXT ownership records are changes like any other. Absent values are left out.
extension DNSSyncResult {
    public var json: OrderedJSON {
        var members: [(String, OrderedJSON)] = [
            ("version", .int(1)), ("zone", .string(zone.rawValue)), ("owner", .string(owner.rawValue)),
            ("changes", .array(plan.changes.map(Self.json))), ("conflicts", .array(plan.conflicts.map(Self.json))),
            ("apiCalls", .object([("list", .int(listRequests)), ("change", .int(changeRequests))])),
        ]
        if let report {
            members.append(("rejected", .array(report.rejected.flatMap { rejection in
                rejection.group.changes.map { change in
                    Self.record(change.recordSet) + [("resource", .string(change.resource.rawValue)), ("message", .string(rejection.message))]
                }
            }.map(OrderedJSON.object))))
            if let error = report.error { members.append(("error", .string("\(error)"))) }
        }
        return .object(members)
    }

    /// One compact line.
    public var jsonLine: String { json.text }

    static func record(_ record: ResourceRecordSet) -> [(String, OrderedJSON)] {
        var members: [(String, OrderedJSON)] = [("name", .string(RecordName.normalized(record.name))), ("type", .string(record.type.rawValue))]
        if record.aliasTarget == nil, let ttl = record.ttl { members.append(("ttl", .int(ttl))) }
        if let identifier = record.setIdentifier { members.append(("setIdentifier", .string(identifier))) }
        return members
    }

    static func json(_ change: PlannedChange) -> OrderedJSON {
        var members: [(String, OrderedJSON)] = [("action", .string(change.action.rawValue))] + record(change.recordSet)
        if let alias = change.recordSet.aliasTarget {
            members.append(("alias", .object([("dnsName", .string(alias.dnsName)), ("hostedZoneId", .string(alias.hostedZoneID.rawValue)),
                                              ("evaluateTargetHealth", .bool(alias.evaluateTargetHealth))])))
        } else {
            members.append(("values", .array(change.recordSet.values.map(OrderedJSON.string))))
        }
        members.append(("resource", .string(change.resource.rawValue)))
        return .object(members)
    }

    static func json(_ conflict: RecordConflict) -> OrderedJSON {
        var members: [(String, OrderedJSON)] = [("name", .string(conflict.name)), ("type", .string(conflict.type.rawValue))]
        if let identifier = conflict.setIdentifier { members.append(("setIdentifier", .string(identifier))) }
        if let resource = conflict.resource { members.append(("resource", .string(resource.rawValue))) }
        members.append(("reason", .string(conflict.reason)))
        return .object(members)
    }
}

/// JSON with the key order it is given (an encoder over a dictionary cannot promise one).
public indirect enum OrderedJSON: Sendable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case array([OrderedJSON])
    case object([(String, OrderedJSON)])

    public var text: String {
        var out = ""
        write(into: &out)
        return out
    }

    private func write(into out: inout String) {
        switch self {
        case .string(let value): Self.quote(value, into: &out)
        case .int(let value): out += String(value)
        case .bool(let value): out += value ? "true" : "false"
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.write(into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { out += "," }
                Self.quote(key, into: &out)
                out += ":"
                value.write(into: &out)
            }
            out += "}"
        }
    }

    private static func quote(_ value: String, into out: inout String) {
        JSONText.appendQuoted(value, to: &out)
    }
}
