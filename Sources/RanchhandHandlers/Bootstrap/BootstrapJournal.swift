import Foundation
import RanchhandEvents

/// `/var/lib/ranchhand/bootstrap.json` (0600, in a 0700 directory): which steps this instance has
/// done, when, and with which inputs. A re-run (reboot, cloud-init retry, the boot unit) skips a
/// step when its live check passes; the journal says since when, and notices drift (a step
/// journaled as done whose check fails again is redone and reported). A journal written by
/// another instance (an image baked from a bootstrapped node) is ignored.
public struct BootstrapJournal: Sendable, Equatable, Codable {
    public struct Entry: Sendable, Equatable, Codable {
        /// RFC 3339.
        public var completed: String
        /// FNV-1a of the step's checks and actions: a changed setting gives a new fingerprint.
        public var fingerprint: String
        public var durationMilliseconds: Int
    }

    public var instanceID: String
    public var steps: [String: Entry]
    /// The last run's final line.
    public var lastOutcome: String?

    public init(instanceID: InstanceID, steps: [String: Entry] = [:], lastOutcome: String? = nil) {
        self.instanceID = instanceID.rawValue
        self.steps = steps
        self.lastOutcome = lastOutcome
    }

    public static func load(from files: RootedFileSystem, instanceID: InstanceID) -> BootstrapJournal {
        guard let text = files.read(HostFiles.journalPath)?.contents,
              let journal = try? JSONDecoder().decode(BootstrapJournal.self, from: Data(text.utf8)),
              journal.instanceID == instanceID.rawValue else { return BootstrapJournal(instanceID: instanceID) }
        return journal
    }

    public func save(to files: RootedFileSystem) throws(BootstrapError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? encoder.encode(self) else { throw BootstrapError(.file, "cannot encode the journal") }
        try files.write(HostFiles.journalPath, contents: String(decoding: data, as: UTF8.self) + "\n", mode: 0o600, directoryMode: 0o700)
    }

    public mutating func record(_ step: BootstrapStep, at date: Date, duration: Duration) {
        steps[step.id.rawValue] = Entry(completed: Self.rfc3339(date), fingerprint: Self.fingerprint(step),
                                        durationMilliseconds: Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000))
    }

    /// When the step was journaled as done with the same inputs, if it was.
    public func completion(of step: BootstrapStep) -> String? {
        guard let entry = steps[step.id.rawValue], entry.fingerprint == Self.fingerprint(step) else { return nil }
        return entry.completed
    }

    static func fingerprint(_ step: BootstrapStep) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "\(step.check)|\(step.actions)".utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return String(hash, radix: 16)
    }

    static func rfc3339(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
