import Foundation
import Yams

/// Reads typed fields from Yams nodes and collects every problem with its line and column, so a
/// user sees all mistakes of a file at once, each where it is.
struct YAMLFieldReader {
    let file: String
    private(set) var problems: [CapacityConfigurationProblem] = []

    init(file: String) {
        self.file = file
    }

    mutating func report(_ message: String, at node: Node?) {
        let mark = node?.mark
        problems.append(CapacityConfigurationProblem(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1, message: message))
    }

    mutating func report(_ message: String, line: Int, column: Int) {
        problems.append(CapacityConfigurationProblem(file: file, line: line, column: column, message: message))
    }

    /// A mapping node, or nil after reporting `what` is not one.
    mutating func mapping(_ node: Node, what: String) -> Node.Mapping? {
        guard let mapping = node.mapping else {
            report("\(what) must be a mapping of keys to values", at: node)
            return nil
        }
        return mapping
    }

    /// Reports keys not in `allowed` (a misspelt key would otherwise silently take its default).
    mutating func rejectUnknownKeys(_ mapping: Node.Mapping, allowed: [String], in what: String) {
        for (key, _) in mapping {
            guard let name = key.string, !allowed.contains(name) else { continue }
            let suggestion = allowed.min { editDistance($0, name) < editDistance($1, name) }
                .flatMap { editDistance($0, name) <= 3 ? " (did you mean '\($0)'?)" : nil } ?? ""
            report("unknown key '\(name)' in \(what)\(suggestion); allowed: \(allowed.joined(separator: ", "))", at: key)
        }
    }

    /// The value node for `key`, reporting it missing when `required`.
    mutating func value(_ key: String, in mapping: Node.Mapping, of parent: Node, what: String, required: Bool) -> Node? {
        if let node = mapping[key] { return node }
        if required { report("\(what) needs '\(key)'", at: parent) }
        return nil
    }

    mutating func string(_ node: Node?, _ key: String) -> String? {
        guard let node else { return nil }
        guard let scalar = node.scalar, !scalar.string.isEmpty else {
            report("'\(key)' must be a non-empty string", at: node)
            return nil
        }
        return scalar.string
    }

    mutating func integer(_ node: Node?, _ key: String, atLeast minimum: Int) -> Int? {
        guard let node else { return nil }
        guard let value = node.int else {
            report("'\(key)' must be a whole number, found '\(node.scalar?.string ?? "a collection")'", at: node)
            return nil
        }
        guard value >= minimum else {
            report("'\(key)' must be at least \(minimum), found \(value)", at: node)
            return nil
        }
        return value
    }

    /// A number within `range`.
    mutating func number(_ node: Node?, _ key: String, in range: ClosedRange<Double>, exclusiveLower: Bool = false) -> Double? {
        guard let node else { return nil }
        guard let value = node.float, value.isFinite else {
            report("'\(key)' must be a number, found '\(node.scalar?.string ?? "a collection")'", at: node)
            return nil
        }
        guard range.contains(value), !(exclusiveLower && value == range.lowerBound) else {
            let lower = exclusiveLower ? "above \(range.lowerBound)" : "at least \(range.lowerBound)"
            let upper = range.upperBound.isInfinite ? "" : " and at most \(range.upperBound)"
            report("'\(key)' must be \(lower)\(upper), found \(value)", at: node)
            return nil
        }
        return value
    }

    /// A duration such as `90s`, `5m`, `1h30m`, `14d`, or a number of seconds; must be positive
    /// unless `allowZero`.
    mutating func duration(_ node: Node?, _ key: String, allowZero: Bool = false) -> TimeInterval? {
        guard let node else { return nil }
        guard let text = node.scalar?.string, let seconds = DurationText.seconds(text) else {
            report("'\(key)' must be a duration like 90s, 5m, 1h or 14d, found '\(node.scalar?.string ?? "a collection")'", at: node)
            return nil
        }
        guard seconds > 0 || (allowZero && seconds == 0) else {
            report("'\(key)' must be \(allowZero ? "zero or more" : "longer than zero")", at: node)
            return nil
        }
        return seconds
    }

    /// One of `choices`.
    mutating func choice<Choice: RawRepresentable<String> & CaseIterable>(_ node: Node?, _ key: String, as type: Choice.Type) -> Choice? {
        guard let text = string(node, key) else { return nil }
        guard let choice = Choice(rawValue: text) else {
            let allowed = Choice.allCases.map(\.rawValue).joined(separator: ", ")
            report("'\(key)' must be one of \(allowed), found '\(text)'", at: node)
            return nil
        }
        return choice
    }
}

/// Durations as people write them in YAML.
enum DurationText {
    private static let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]

    static func seconds(_ text: String) -> TimeInterval? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let plain = Double(trimmed) { return plain >= 0 ? plain : nil }
        var total = 0.0
        var digits = ""
        for character in trimmed {
            if character.isNumber || character == "." {
                digits.append(character)
            } else if let unit = units[character], let amount = Double(digits) {
                total += amount * unit
                digits = ""
            } else {
                return nil
            }
        }
        return digits.isEmpty && !trimmed.isEmpty ? total : nil
    }
}

/// Levenshtein distance, for "did you mean" hints on short keys.
func editDistance(_ lhs: String, _ rhs: String) -> Int {
    let a = Array(lhs.lowercased()), b = Array(rhs.lowercased())
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
