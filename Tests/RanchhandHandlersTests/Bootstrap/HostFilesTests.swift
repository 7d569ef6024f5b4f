import Foundation
import RanchhandEvents
import Testing
@testable import RanchhandHandlers

/// The files the agent writes, byte for byte.
@Suite struct HostFilesTests {
    @Test func daemonJSONIsMergedKeepingEveryOtherKey() throws {
        let existing = #"{"max-concurrent-downloads": 3, "registry-mirrors": ["https://mirror.example.com"], "log-opts": {"compress": "true", "max-size": "1m"}}"#
        let merged = try HostFiles.mergedDockerDaemonJSON(existing: existing, rotation: LogRotation(maxSize: "50m", maxFiles: 5))
        #expect(merged == """
            {
              "log-driver": "json-file",
              "log-opts": {
                "compress": "true",
                "max-file": "5",
                "max-size": "50m"
              },
              "max-concurrent-downloads": 3,
              "registry-mirrors": [
                "https://mirror.example.com"
              ]
            }

            """)
        // Merging again changes nothing: the check "file has these bytes" then holds.
        #expect(try HostFiles.mergedDockerDaemonJSON(existing: merged, rotation: LogRotation(maxSize: "50m", maxFiles: 5)) == merged)
    }

    @Test func anotherLogDriversOptionsAreDroppedWithIt() throws {
        let merged = try HostFiles.mergedDockerDaemonJSON(existing: #"{"log-driver":"journald","log-opts":{"tag":"{{.Name}}"}}"#, rotation: LogRotation())
        let object = try #require(try JSONValue.parse(merged).objectValue)
        #expect(object["log-driver"] == JSONValue.string("json-file"))
        #expect(object["log-opts"] == JSONValue.object(["max-size": .string("50m"), "max-file": .string("5")]))
    }

    @Test func missingOrEmptyDaemonJSONStartsFresh() throws {
        let fresh = try HostFiles.mergedDockerDaemonJSON(existing: nil, rotation: LogRotation())
        #expect(try HostFiles.mergedDockerDaemonJSON(existing: "  \n", rotation: LogRotation()) == fresh)
        #expect(fresh.hasPrefix("{\n  \"log-driver\": \"json-file\""))
        #expect(throws: BootstrapError.self) { try HostFiles.mergedDockerDaemonJSON(existing: "[1, 2]", rotation: LogRotation()) }
    }

    @Test func fail2banJailUsesTheJournal() {
        #expect(HostFiles.fail2banJail(Fail2banSettings(bantime: "2h", findtime: "5m", maxretry: 3)) == """
            # Written by ranchhand-bootstrap at every boot; change the fail2ban-* settings instead of this file.
            [sshd]
            enabled  = true
            backend  = systemd
            bantime  = 2h
            findtime = 5m
            maxretry = 3

            """)
    }

    @Test func kubeletSizesUseBinaryUnits() {
        #expect(LogRotation(maxSize: "50m").kubeletMaxSize == "50Mi")
        #expect(LogRotation(maxSize: "1g").kubeletMaxSize == "1Gi")
        #expect(LogRotation(maxSize: "500k").kubeletMaxSize == "500Ki")
        #expect(LogRotation(maxSize: "1048576").kubeletMaxSize == "1048576")
    }

    /// `bootstrap/ranchhand-bootstrap.service` documents the unit; the agent renders the same text.
    @Test func bootUnitMatchesTheTemplateInTheRepository() throws {
        let rendered = HostFiles.bootUnit(agentPath: "/usr/local/bin/ranchhand-bootstrap", arguments: ["run", "--ssm-prefix", "/ranchhand/home/"])
        #expect(rendered == (try Self.template("ranchhand-bootstrap.service", arguments: "run --ssm-prefix /ranchhand/home/")))
    }

    /// A unit template of `bootstrap/` with its placeholders filled in.
    static func template(_ name: String, arguments: String) throws -> String {
        let root = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return try String(contentsOf: root.appendingPathComponent("bootstrap/" + name), encoding: .utf8)
            .replacingOccurrences(of: "@AGENT@", with: "/usr/local/bin/ranchhand-bootstrap")
            .replacingOccurrences(of: "@ARGUMENTS@", with: arguments)
    }

    /// `bootstrap/ranchhand-bootstrap-follow.service` likewise, for the warm-pool follower.
    @Test func followUnitMatchesTheTemplateInTheRepository() throws {
        let rendered = HostFiles.followUnit(agentPath: "/usr/local/bin/ranchhand-bootstrap", arguments: ["follow", "--ssm-prefix", "/ranchhand/home/"])
        #expect(rendered == (try Self.template("ranchhand-bootstrap-follow.service", arguments: "follow --ssm-prefix /ranchhand/home/")))
        #expect(!rendered.contains("[Install]"), "started by the agent when warm, never enabled at boot")
    }

    @Test func unitArgumentsAreQuotedForSystemd() {
        let unit = HostFiles.bootUnit(agentPath: "/opt/agent", arguments: ["run", "--label", "note=a b", "--price", "$5", "100%"])
        #expect(unit.contains(#"ExecStart=/opt/agent run --label "note=a b" --price $$5 100%%"#))
    }

    @Test func osReleaseParsing() {
        let os = OperatingSystem(osRelease: "NAME=\"Ubuntu\"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID=\"24.04\"\n# comment\nPRETTY_NAME='Ubuntu 24.04 LTS'\n")
        #expect(os.id == "ubuntu" && os.idLike == ["debian"] && os.versionID == "24.04" && os.prettyName == "Ubuntu 24.04 LTS")
        #expect(os.packageManager == .apt)
        #expect(OperatingSystem(osRelease: "").packageManager == nil)
    }

    @Test func packageVersionsReduceToMajorMinor() {
        #expect(PackageVersion.majorMinor("20.10.24+dfsg1-1+deb12u1+b6") == "20.10")
        #expect(PackageVersion.majorMinor("5:24.0.7-0ubuntu4") == "24.0")
        #expect(PackageVersion.majorMinor("25.0.3") == "25.0")
        #expect(!PackageVersion.isAccepted("27.5.1-1", ["20.10", "24.0"]))
    }

    @Test func snapshotTreatsActiveAsMootWithoutARunningSystemd() {
        #expect(HostSnapshot(systemBooted: false).satisfies(.unitActive("docker.service")))
        #expect(!HostSnapshot(systemBooted: true).satisfies(.unitActive("docker.service")))
        #expect(!HostSnapshot(lifecycleState: "Warmed:Pending:Wait").satisfies(.lifecycleActionCompleted))
        #expect(HostSnapshot(lifecycleState: nil).satisfies(.lifecycleActionCompleted))
    }
}
