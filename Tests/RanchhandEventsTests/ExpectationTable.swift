import Foundation
import RanchhandEvents

/// Reads an expectation table (`events/expected.json`, `Tests/shared-samples-expected.json`):
/// for each file, the `ranchhand decode` objects it must print and the paths of its bad records.
struct ExpectationTable {
    struct Entry {
        var events: [JSONValue]
        var errorPaths: [String]
    }

    let entries: [String: Entry]

    init(contentsOf url: URL) throws {
        let document = try JSONValue.parse(Array(try Data(contentsOf: url)))
        var entries: [String: Entry] = [:]
        for (name, value) in document.objectValue ?? [:] {
            let events = value["events"]?.arrayValue ?? []
            let errors = (value["errors"]?.arrayValue ?? []).compactMap { $0["path"]?.stringValue }
            entries[name] = Entry(events: events, errorPaths: errors)
        }
        self.entries = entries
    }
}

/// What decoding one input actually produced, in the table's terms.
struct DecodeOutcome: Equatable, CustomStringConvertible {
    var events: [JSONValue]
    var errorPaths: [String]
    var messages: [String]

    init(decoding bytes: [UInt8]) {
        events = []
        errorPaths = []
        messages = []
        do {
            for record in try EventDecoder.decode(bytes) {
                if let summary = EventSummary(record) {
                    // Parsing the printed line back proves it is valid JSON as well.
                    events.append((try? JSONValue.parse(summary.jsonLine)) ?? .string("unparseable: \(summary.jsonLine)"))
                } else if let error = record.error {
                    errorPaths.append(error.path.description)
                    messages.append(error.description)
                }
            }
        } catch {
            errorPaths.append(error.path.description)
            messages.append(error.description)
        }
    }

    static func == (lhs: DecodeOutcome, rhs: DecodeOutcome) -> Bool {
        lhs.events == rhs.events && lhs.errorPaths == rhs.errorPaths
    }

    func matches(_ entry: ExpectationTable.Entry) -> Bool {
        events == entry.events && errorPaths == entry.errorPaths
    }

    var description: String {
        let lines = events.map { event -> String in
            guard let object = event.objectValue else { return "\(event)" }
            return object.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.stringValue ?? "\($0.value)")" }
                .joined(separator: " ")
        }
        return (lines + messages.map { "error: \($0)" }).joined(separator: "\n")
    }
}

enum Repository {
    /// The package root, found from this file's path: SwiftPM resources cannot live outside a target.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let events = root.appendingPathComponent("events")

    /// Every fixture under `events/`, as paths relative to it.
    static func fixturePaths() throws -> [String] {
        let enumerator = FileManager.default.enumerator(at: events, includingPropertiesForKeys: nil)
        var paths: [String] = []
        while let url = enumerator?.nextObject() as? URL {
            guard url.pathExtension == "json", url.lastPathComponent != "expected.json" else { continue }
            paths.append(String(url.standardizedFileURL.path.dropFirst(events.standardizedFileURL.path.count + 1)))
        }
        return paths.sorted()
    }
}
