import Foundation
import RanchhandEvents
import Testing
@testable import RanchhandHandlers

/// The journal and the rooted file system it is written through.
@Suite struct BootstrapJournalTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString.prefix(8))").path

    @Test func journalIsPrivateAndKnowsWhatWasDoneWithWhichInputs() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let files = RootedFileSystem(root: root)
        let plan = BootstrapDecision.plan(BootstrapFixtures.inputs(.rke1))
        let step = try #require(plan.step(.configureDocker))
        var journal = BootstrapJournal(instanceID: BootstrapFixtures.instance)
        journal.record(step, at: Date(timeIntervalSince1970: 1_795_528_800), duration: .milliseconds(1500))
        try journal.save(to: files)

        #expect(files.read(HostFiles.journalPath)?.mode == 0o600)
        let loaded = BootstrapJournal.load(from: files, instanceID: BootstrapFixtures.instance)
        #expect(loaded.completion(of: step) == "2026-11-24T14:00:00Z")
        #expect(loaded.steps["configure-docker"]?.durationMilliseconds == 1500)

        // Another log size is another step: the old entry no longer counts.
        let changed = BootstrapDecision.plan(BootstrapFixtures.inputs(.rke1, settings: BootstrapSettings(logRotation: LogRotation(maxSize: "10m"))))
        #expect(loaded.completion(of: try #require(changed.step(.configureDocker))) == nil)

        // An image baked from this instance carries the file; a new instance ignores it.
        #expect(BootstrapJournal.load(from: files, instanceID: "i-0another").steps.isEmpty)
    }

    @Test func writesAreAtomicWithTheirModeAndStayUnderTheRoot() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let files = RootedFileSystem(root: root + "/")
        try files.write("/etc/rancher/rke2/config.yaml.d/90-ranchhand.yaml", contents: "a: 1\n", mode: 0o600)
        #expect(FileManager.default.fileExists(atPath: root + "/etc/rancher/rke2/config.yaml.d/90-ranchhand.yaml"))
        #expect(files.read("/etc/rancher/rke2/config.yaml.d/90-ranchhand.yaml") == HostSnapshot.FileState(contents: "a: 1\n", mode: 0o600))
        try files.write("/etc/rancher/rke2/config.yaml.d/90-ranchhand.yaml", contents: "a: 2\n", mode: 0o644)
        #expect(files.read("/etc/rancher/rke2/config.yaml.d/90-ranchhand.yaml") == HostSnapshot.FileState(contents: "a: 2\n", mode: 0o644))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root + "/etc/rancher/rke2/config.yaml.d")
        #expect(leftovers == ["90-ranchhand.yaml"])
        #expect(RootedFileSystem(root: "/").hostPath("/etc/x") == "/etc/x")
    }
}
