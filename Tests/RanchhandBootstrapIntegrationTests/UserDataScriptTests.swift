import Foundation
import RanchhandTestSupport
import Testing

/// `bootstrap/user-data.sh` run for real by `sh`, with a stand-in agent served from a file:// URL:
/// download, sha256 check, retries, logging, the settings file, and exec.
@Suite struct UserDataScriptTests {
    static let repository = ChildProcess.repositoryRoot
    static let script = repository.appendingPathComponent("bootstrap/user-data.sh").path

    @Test func shellcheckIsClean() throws {
        let scripts = try FileManager.default.contentsOfDirectory(atPath: Self.repository.appendingPathComponent("bootstrap").path)
            .filter { $0.hasSuffix(".sh") }.map { "bootstrap/" + $0 }
        #expect(scripts.contains("bootstrap/user-data.sh"))
        let result = try Shell.run(["shellcheck", "--shell=sh", "--severity=style"] + scripts, in: Self.repository)
        #expect(result.status == 0, "shellcheck (installed by scripts/install-test-deps) says:\n\(result.output)")
    }

    @Test func cloudConfigCarriesTheSameScript() async throws {
        let source = """
            import sys, yaml
            doc = yaml.safe_load(open(sys.argv[1]))
            files = {f["path"]: f for f in doc["write_files"]}
            assert open(sys.argv[1]).readline().strip() == "#cloud-config"
            assert doc["runcmd"] == [["/usr/local/sbin/ranchhand-user-data"]]
            assert files["/usr/local/sbin/ranchhand-user-data"]["permissions"] == "0755"
            sys.stdout.write(files["/usr/local/sbin/ranchhand-user-data"]["content"])
            """
        let result = try await ChildProcess.runPython(["-c", source, "bootstrap/cloud-config.yaml"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(String(decoding: result.standardOutput, as: UTF8.self) == (try String(contentsOfFile: Self.script, encoding: .utf8)))
    }

    @Test func downloadsVerifiesInstallsAndExecsTheAgent() throws {
        let box = try ScratchHost()
        let run = try box.userData(["RANCHHAND_AGENT_SHA256": box.agentSHA, "RANCHHAND_SSM_PREFIX": "/ranchhand/test/", "RANCHHAND_ROLES": "worker"])
        #expect(run.status == 0, "\(run.output)")
        #expect(try box.read("agent-ran") == "run\nprefix=/ranchhand/test/ roles=worker\n")
        #expect(FileManager.default.contents(atPath: box.path("bin/ranchhand-bootstrap")) == FileManager.default.contents(atPath: box.path("src/agent")))
        #expect(box.mode("bin/ranchhand-bootstrap") == 0o755)
        let environment = try box.read("etc/bootstrap.env")
        #expect(environment.contains("RANCHHAND_SSM_PREFIX=/ranchhand/test/") && environment.contains("RANCHHAND_ROLES=worker"))
        #expect(!environment.contains("RANCHHAND_AGENT_URL") && !environment.contains("RANCHHAND_AGENT_SHA256"))
        let log = try box.read("user-data.log")
        #expect(log.contains("verified sha256 \(box.agentSHA)") && log.contains("running "))
        #expect(run.output.contains("ranchhand-user-data: downloading file://"))

        // cloud-init retry: the pinned binary is already there, nothing is downloaded again.
        try FileManager.default.removeItem(atPath: box.path("src/agent"))
        let again = try box.userData(["RANCHHAND_AGENT_SHA256": box.agentSHA])
        #expect(again.status == 0 && again.output.contains("is already the pinned version"))
    }

    @Test func aWrongChecksumRunsNothing() throws {
        let box = try ScratchHost()
        let run = try box.userData(["RANCHHAND_AGENT_SHA256": String(repeating: "0", count: 64)])
        #expect(run.status == 1)
        #expect(run.output.contains("sha256 mismatch") && run.output.contains("not running it"))
        #expect(!FileManager.default.fileExists(atPath: box.path("bin/ranchhand-bootstrap")))
        #expect(!FileManager.default.fileExists(atPath: box.path("bin/ranchhand-bootstrap.download")))
        #expect(!FileManager.default.fileExists(atPath: box.path("agent-ran")))
        #expect(try box.read("user-data.log").contains("FAILED: sha256 mismatch"))
    }

    @Test func downloadsAreRetriedWithBackoffThenGiveUp() throws {
        let box = try ScratchHost()
        let run = try box.userData(["RANCHHAND_AGENT_URL": "file://\(box.path("src/missing"))", "RANCHHAND_AGENT_SHA256": box.agentSHA,
                                    "RANCHHAND_DOWNLOAD_ATTEMPTS": "3", "RANCHHAND_DOWNLOAD_BACKOFF": "0"])
        #expect(run.status == 1)
        #expect(run.output.components(separatedBy: "failed; retrying in 0s").count - 1 == 2)
        #expect(run.output.contains("could not download file://\(box.path("src/missing")) after 3 attempts"))
    }

    @Test func settingsComeFromTheFileButNeverATokenOrAForeignVariable() throws {
        let box = try ScratchHost()
        try "# written by cloud-init\nRANCHHAND_AGENT_URL=file://\(box.path("src/agent"))\nRANCHHAND_AGENT_SHA256=\(box.agentSHA.uppercased())\nRANCHHAND_SSM_PREFIX=/from/file/\n"
            .write(toFile: box.path("etc/user-data.env"), atomically: true, encoding: .utf8)
        let run = try box.userData([:], url: false)
        #expect(run.status == 0, "\(run.output)")
        #expect(try box.read("agent-ran").contains("prefix=/from/file/"))

        let token = try box.userData(["RANCHHAND_AGENT_SHA256": box.agentSHA, "RANCHHAND_RANCHER_TOKEN": "token-abcde:secret"])
        #expect(token.status == 1 && token.output.contains("must never be in user-data"))

        try "PATH=/tmp/evil\n".write(toFile: box.path("etc/user-data.env"), atomically: true, encoding: .utf8)
        let foreign = try box.userData(["RANCHHAND_AGENT_SHA256": box.agentSHA])
        #expect(foreign.status == 1 && foreign.output.contains("'PATH' is not a RANCHHAND_* setting"))
    }

    /// A scratch directory with a stand-in agent that records how it was run.
    struct ScratchHost {
        let root: URL
        let agentSHA: String

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("user-data-\(UUID().uuidString.prefix(8))")
            for directory in ["src", "bin", "etc"] {
                try FileManager.default.createDirectory(at: root.appendingPathComponent(directory), withIntermediateDirectories: true)
            }
            let agent = "#!/bin/sh\nprintf '%s\\n' \"$*\" > \"$RANCHHAND_TEST_OUT\"\n"
                + "printf 'prefix=%s roles=%s\\n' \"${RANCHHAND_SSM_PREFIX:-}\" \"${RANCHHAND_ROLES:-}\" >> \"$RANCHHAND_TEST_OUT\"\n"
            try agent.write(to: root.appendingPathComponent("src/agent"), atomically: true, encoding: .utf8)
            let sum = try Shell.run(["sha256sum", root.appendingPathComponent("src/agent").path], in: root)
            agentSHA = String(sum.output.prefix(64))
        }

        func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }
        func read(_ relative: String) throws -> String { try String(contentsOfFile: path(relative), encoding: .utf8) }
        func mode(_ relative: String) -> Int? {
            ((try? FileManager.default.attributesOfItem(atPath: path(relative)))?[.posixPermissions] as? NSNumber)?.intValue
        }

        func userData(_ variables: [String: String], url: Bool = true) throws -> Shell.Result {
            var environment = ["PATH": "/usr/bin:/bin", "RANCHHAND_ETC_DIR": path("etc"), "RANCHHAND_USER_DATA_LOG": path("user-data.log"),
                               "RANCHHAND_AGENT_PATH": path("bin/ranchhand-bootstrap"), "RANCHHAND_TEST_OUT": path("agent-ran")]
            if url { environment["RANCHHAND_AGENT_URL"] = "file://\(path("src/agent"))" }
            environment.merge(variables) { $1 }
            return try Shell.run(["sh", UserDataScriptTests.script], in: root, environment: environment)
        }
    }
}

/// Runs a program to completion (no shell), output and error together.
enum Shell {
    struct Result {
        var status: Int32
        var output: String
    }

    static func run(_ argv: [String], in directory: URL, environment: [String: String]? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = argv
        process.currentDirectoryURL = directory
        if let environment { process.environment = environment }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }
}
