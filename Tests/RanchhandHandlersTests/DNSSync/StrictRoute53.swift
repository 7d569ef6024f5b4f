import RanchhandClients
@testable import RanchhandHandlers

/// An in-memory zone that answers like Route53 (not like moto): a batch is atomic, CREATE of an
/// existing record set and DELETE of a missing or different one are `InvalidChangeBatch`, the
/// 1,000-record limit counts UPSERT twice. `poisoned` names are refused with a message that does
/// (`namingMessage`) or does not name them.
actor StrictRoute53: Route53Client {
    struct Key: Hashable { var name: String; var type: String; var setIdentifier: String? }
    private(set) var records: [Key: ResourceRecordSet] = [:]
    private(set) var changeCalls: [[RecordChange]] = []
    private(set) var listCalls = 0
    var poisoned: Set<String> = []
    var namingMessage = true
    var failure: ClientError?

    init(_ records: [ResourceRecordSet] = []) {
        for record in records { self.records[Self.key(record)] = record }
    }

    func poison(_ name: String, namingIt: Bool) {
        poisoned.insert(RecordName.normalized(name))
        namingMessage = namingIt
    }

    func fail(with error: ClientError?) { failure = error }

    static func key(_ record: ResourceRecordSet) -> Key {
        Key(name: RecordName.normalized(record.name), type: record.type.rawValue, setIdentifier: record.setIdentifier)
    }

    func listHostedZonesByName(startingAt dnsName: String?, limit: Int?) async throws(ClientError) -> [HostedZone] { [] }

    func listResourceRecordSets(_ zone: HostedZoneID, pageSize: Int?) async throws(ClientError) -> [ResourceRecordSet] {
        listCalls += 1
        return records.values.sorted { ($0.name, $0.type.rawValue, $0.setIdentifier ?? "") < ($1.name, $1.type.rawValue, $1.setIdentifier ?? "") }
    }

    func changeResourceRecordSets(_ zone: HostedZoneID, changes: [RecordChange], comment: String?) async throws(ClientError) -> ChangeInfo {
        changeCalls.append(changes)
        if let failure { throw failure }
        func refuse(_ message: String) -> ClientError {
            ClientError(.service, service: "route53", operation: "ChangeResourceRecordSets", statusCode: 400, code: "InvalidChangeBatch", message: message)
        }
        let weight = changes.reduce(0) { $0 + $1.recordSet.values.count * ($1.action == .upsert ? 2 : 1) }
        if weight > 1000 { throw refuse("[Number of records limit of 1000 exceeded.]") }
        if let bad = changes.first(where: { poisoned.contains(RecordName.normalized($0.recordSet.name)) }) {
            throw refuse(namingMessage ? "[Invalid Resource Record: FATAL problem with [name='\(bad.recordSet.name)', type='\(bad.recordSet.type)']]"
                                       : "RDATA character limit of 32000 exceeded.")
        }
        var next = records
        for change in changes {
            let key = Self.key(change.recordSet)
            switch change.action {
            case .create:
                if next[key] != nil { throw refuse("Tried to create resource record set [name='\(key.name)', type='\(key.type)'] but it already exists") }
                next[key] = change.recordSet
            case .delete:
                guard let existing = next[key], Set(existing.values) == Set(change.recordSet.values) else {
                    throw refuse("Tried to delete resource record set [name='\(key.name)', type='\(key.type)'] but it was not found")
                }
                next[key] = nil
            case .upsert:
                next[key] = change.recordSet
            }
        }
        records = next
        return ChangeInfo(id: ChangeID("C\(changeCalls.count)"), status: .pending)
    }

    /// GetChange answers PENDING this many times before INSYNC (`Int.max`: never in sync).
    var pendingAnswers = 0
    private(set) var getChangeCalls = 0

    func keepPending(_ answers: Int) { pendingAnswers = answers }

    func getChange(_ id: ChangeID) async throws(ClientError) -> ChangeInfo {
        getChangeCalls += 1
        if pendingAnswers > 0 {
            pendingAnswers -= 1
            return ChangeInfo(id: id, status: .pending)
        }
        return ChangeInfo(id: id, status: .inSync)
    }
}
