import Foundation
import Logging
import RanchhandHandlers
import RanchhandHTTP
import RanchhandSandbox
import RanchhandTestSupport

/// The debootstrapped Debian root as the agent sees Amazon Linux 2023 for packages: AL2023's
/// `/etc/os-release`, and `dnf` and `rpm` that answer as they do there for packages its
/// repositories do not carry. AL2023 itself cannot run here, so these replay its answers:
/// - fail2ban is not in AL2023's repositories: amazonlinux/amazon-linux-2023#383 (open since 2023).
/// - dnf 4's wording and status, from rpm-software-management/dnf 4.24.0: `dnf/cli/commands/install.py`
///   logs "No match for argument: %s" per package at info level (hidden by `-q`) and raises
///   `PackagesNotAvailableError("Unable to find a match", pkg_spec=' '.join(errs))`, which
///   `dnf/cli/main.py` prints as "Error: %s" and exits 1.
/// - `rpm -q` prints "package NAME is not installed" for each missing one and exits non-zero.
enum AmazonLinuxInChroot {
    static let osRelease = """
        NAME="Amazon Linux"
        VERSION="2023"
        ID="amzn"
        ID_LIKE="fedora"
        VERSION_ID="2023"
        PLATFORM_ID="platform:al2023"
        PRETTY_NAME="Amazon Linux 2023.6.20241212"
        ANSI_COLOR="0;33"
        CPE_NAME="cpe:2.3:o:amazon:amazon_linux:2023"
        HOME_URL="https://aws.amazon.com/linux/amazon-linux-2023/"

        """

    static let dnf = #"""
        #!/bin/sh
        # dnf 4 on Amazon Linux 2023 asked to install packages no repository carries (see AmazonLinuxInChroot.swift).
        [ "$1" = install ] || { echo "dnf replay: only 'install' is replayed, got: $*" >&2; exit 2; }
        shift
        quiet=no; wanted=""
        for word in "$@"; do
            case "$word" in -q|--quiet) quiet=yes ;; -*) ;; *) wanted="$wanted $word" ;; esac
        done
        wanted=${wanted# }
        if [ "$quiet" = no ]; then
            echo "Last metadata expiration check: 0:00:42 ago on Mon Dec  7 11:00:00 2026."
            for name in $wanted; do echo "No match for argument: $name"; done
        fi
        echo "Error: Unable to find a match: $wanted" >&2
        exit 1

        """#

    static let rpm = #"""
        #!/bin/sh
        # rpm -q on a host where none of the asked packages is installed.
        missing=0
        for word in "$@"; do
            case "$word" in -q|--qf) ;; -*|*%*) ;; *) echo "package $word is not installed"; missing=$((missing + 1)) ;; esac
        done
        exit $missing

        """#

    /// Rewrites `root` in place; the Debian packages stay, but `rpm` says none is installed.
    static func convert(_ root: URL) throws {
        try osRelease.write(toFile: root.path + "/etc/os-release", atomically: true, encoding: .utf8)
        try? FileManager.default.removeItem(atPath: root.path + "/usr/lib/os-release")
        for (name, script) in [("dnf", dnf), ("rpm", rpm)] {
            let path = root.path + "/usr/bin/" + name
            try script.write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }
    }

    /// One `--prepare-only` run of the agent in `root` (the sandbox's IMDS, no Rancher, no hook).
    static func run(root: URL, runner: any CommandRunner, flags: [String: String], lines: LineCollector) async throws -> BootstrapOutcome {
        let sandbox = try await Sandbox.start()
        let transport = try AsyncHTTPTransport()
        let agent = BootstrapAgent(
            metadata: LiveInstanceMetadataClient(configuration: InstanceMetadataConfiguration(endpoint: sandbox.httpURL!), transport: transport, now: { Date() }),
            connector: TestConnector(moto: "http://127.0.0.1:9", transport: transport, clock: sandbox.clock), runner: runner,
            files: RootedFileSystem(root: root.path), systemBooted: false, progress: BootstrapProgress { lines.append($0) },
            logger: Logger(label: "test.chroot.al2023"))
        let outcome = await agent.run(BootstrapRequest(localLayers: [SettingsLayer(source: "flags", values: flags)],
                                                       unitArguments: ["run", "--ssm-prefix", "/ranchhand/home/"], prepareOnly: true))
        await transport.shutdown()
        await sandbox.stop()
        return outcome
    }
}
