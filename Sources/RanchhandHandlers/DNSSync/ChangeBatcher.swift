import RanchhandClients

/// Route53's limits on one ChangeResourceRecordSets request: 1,000 ResourceRecord elements and
/// 32,000 characters across all `Value`s, an UPSERT counting twice for both.
public struct BatchLimits: Sendable, Equatable {
    public var maximumRecords: Int
    public var maximumCharacters: Int

    public init(maximumRecords: Int = 1000, maximumCharacters: Int = 32_000) {
        self.maximumRecords = max(1, maximumRecords)
        self.maximumCharacters = max(1, maximumCharacters)
    }

    public static let route53 = BatchLimits()

    /// The fewest requests any packing could use: ⌈max(Σ records / limit, Σ characters / limit)⌉.
    public func minimumRequests(for changes: [PlannedChange]) -> Int {
        let weight = changes.reduce(BatchWeight()) { $0 + BatchWeight($1) }
        let records = (weight.records + maximumRecords - 1) / maximumRecords
        let characters = (weight.characters + maximumCharacters - 1) / maximumCharacters
        return max(records, characters)
    }
}

/// What a change costs against the limits.
public struct BatchWeight: Sendable, Equatable {
    public var records = 0
    public var characters = 0

    public init() {}

    public init(_ change: PlannedChange) {
        let factor = change.action == .upsert ? 2 : 1
        records = change.recordSet.aliasTarget == nil ? change.recordSet.values.count * factor : 0
        characters = change.recordSet.values.reduce(0) { $0 + $1.count } * factor
    }

    static func + (lhs: Self, rhs: Self) -> Self {
        var sum = lhs
        sum.records += rhs.records
        sum.characters += rhs.characters
        return sum
    }

    func fits(_ limits: BatchLimits) -> Bool { records <= limits.maximumRecords && characters <= limits.maximumCharacters }
}

/// The changes of one key (a record and its TXT): never split across requests.
public struct ChangeGroup: Sendable, Equatable {
    public var key: RecordKey
    public var changes: [PlannedChange]
    public var weight: BatchWeight { changes.reduce(BatchWeight()) { $0 + BatchWeight($1) } }
}

/// Packs change groups into the fewest requests: first fit, heaviest groups first.
public enum ChangeBatcher {
    public struct Result: Sendable, Equatable {
        public var batches: [[ChangeGroup]]
        /// Groups that alone exceed a limit: Route53 would refuse them in any request.
        public var oversized: [ChangeGroup]
    }

    public static func groups(_ changes: [PlannedChange]) -> [ChangeGroup] {
        var order: [RecordKey] = []
        var byKey: [RecordKey: [PlannedChange]] = [:]
        for change in changes {
            if byKey[change.group] == nil { order.append(change.group) }
            byKey[change.group, default: []].append(change)
        }
        return order.map { ChangeGroup(key: $0, changes: byKey[$0]!) }
    }

    public static func batches(_ changes: [PlannedChange], limits: BatchLimits = .route53) -> Result {
        var oversized: [ChangeGroup] = []
        var candidates: [(group: ChangeGroup, weight: BatchWeight)] = []
        for group in groups(changes) {
            let weight = group.weight
            if weight.fits(limits) { candidates.append((group, weight)) } else { oversized.append(group) }
        }
        func size(_ weight: BatchWeight) -> Double {
            max(Double(weight.records) / Double(limits.maximumRecords), Double(weight.characters) / Double(limits.maximumCharacters))
        }
        // Stable: equal weights keep the plan's (name) order.
        let ordered = candidates.enumerated().sorted { lhs, rhs in
            let (a, b) = (size(lhs.element.weight), size(rhs.element.weight))
            return a != b ? a > b : lhs.offset < rhs.offset
        }.map(\.element)
        var bins: [(groups: [ChangeGroup], weight: BatchWeight)] = []
        var open = 0  // bins before this index are full for any group of the current size or more
        for (group, weight) in ordered {
            var placed = false
            for index in open..<bins.count where (bins[index].weight + weight).fits(limits) {
                bins[index].groups.append(group)
                bins[index].weight = bins[index].weight + weight
                placed = true
                break
            }
            if !placed { bins.append(([group], weight)) }
            while open < bins.count, !(bins[open].weight + weight).fits(limits) { open += 1 }
        }
        let batches = bins.map { $0.groups.sorted { $0.key < $1.key } }
        return Result(batches: batches, oversized: oversized)
    }
}
