import Foundation
import RanchhandEvents

/// The files the agent writes, rendered from settings. Every renderer is pure and deterministic,
/// so "already written?" is a byte comparison.
public enum HostFiles {
    public static let dockerDaemonPath = "/etc/docker/daemon.json"
    public static let fail2banJailPath = "/etc/fail2ban/jail.d/ranchhand.local"
    public static let bootUnitName = "ranchhand-bootstrap.service"
    public static let bootUnitPath = "/etc/systemd/system/ranchhand-bootstrap.service"
    public static let followUnitName = "ranchhand-bootstrap-follow.service"
    public static let followUnitPath = "/etc/systemd/system/ranchhand-bootstrap-follow.service"
    public static let stateDirectory = "/var/lib/ranchhand"
    public static let journalPath = "/var/lib/ranchhand/bootstrap.json"
    public static let logPath = "/var/log/ranchhand-bootstrap.log"
    public static let rancherCAPath = "/var/lib/ranchhand/rancher-ca.pem"
    public static let installScriptPath = "/var/lib/ranchhand/system-agent-install.sh"

    /// `/etc/rancher/<rke2|k3s>/config.yaml.d/90-ranchhand.yaml`: read by RKE2/K3s after Rancher's
    /// own `50-rancher.yaml`; `kubelet-arg+` appends to the kubelet arguments instead of replacing them.
    public static func kubeletConfigPath(_ kind: ClusterKind) -> String {
        "/etc/rancher/\(kind == .k3s ? "k3s" : "rke2")/config.yaml.d/90-ranchhand.yaml"
    }

    /// `existing` with `log-driver` set to `json-file` and `log-opts.max-size`/`max-file` set; every
    /// other key is kept. Other log options are kept only when the driver already was json-file
    /// (another driver's options would stop dockerd from starting). Throws when `existing` is not
    /// a JSON object, since Docker would not start with it either.
    public static func mergedDockerDaemonJSON(existing: String?, rotation: LogRotation) throws(BootstrapError) -> String {
        var object: [String: JSONValue] = [:]
        if let existing, !existing.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            guard let parsed = try? JSONValue.parse(existing), let members = parsed.objectValue else {
                throw BootstrapError(.file, "\(dockerDaemonPath) is not a JSON object, so it cannot be merged (dockerd would reject it too): "
                                         + "fix or remove it and run the agent again")
            }
            object = members
        }
        let wasJSONFile = (object["log-driver"]?.stringValue ?? "json-file") == "json-file"
        var options = wasJSONFile ? object["log-opts"]?.objectValue ?? [:] : [:]
        options["max-size"] = .string(rotation.maxSize)
        options["max-file"] = .string(String(rotation.maxFiles))
        object["log-driver"] = .string("json-file")
        object["log-opts"] = .object(options)
        return PrettyJSON.pretty(.object(object)) + "\n"
    }

    /// An sshd jail reading the systemd journal (Debian 12 and Amazon Linux 2023 have no auth.log).
    public static func fail2banJail(_ settings: Fail2banSettings) -> String {
        """
        # Written by ranchhand-bootstrap at every boot; change the fail2ban-* settings instead of this file.
        [sshd]
        enabled  = true
        backend  = systemd
        bantime  = \(settings.bantime)
        findtime = \(settings.findtime)
        maxretry = \(settings.maxretry)

        """
    }

    /// RKE2/K3s: the kubelet rotates container logs itself (there is no Docker).
    public static func kubeletLogConfig(_ rotation: LogRotation) -> String {
        """
        # Written by ranchhand-bootstrap: container log rotation for the kubelet.
        kubelet-arg+:
          - "container-log-max-size=\(rotation.kubeletMaxSize)"
          - "container-log-max-files=\(rotation.maxFiles)"

        """
    }

    /// The unit that runs the agent at every boot: EC2 runs user-data only at the first one, and an
    /// instance back from the warm pool (or rebooted) must re-check its node. The template with
    /// its placeholders is `bootstrap/ranchhand-bootstrap.service`.
    public static func bootUnit(agentPath: String, arguments: [String]) -> String {
        let command = ([agentPath] + arguments).map(systemdQuoted).joined(separator: " ")
        return """
            # Installed by ranchhand-bootstrap: re-runs the node bootstrap at every boot (warm pool, reboots).
            # Configuration reference: docs/bootstrap.md in the ranchhand repository.
            [Unit]
            Description=ranchhand node bootstrap (join Rancher, complete the launch lifecycle action)
            Wants=network-online.target
            After=network-online.target cloud-final.service docker.service
            ConditionFileIsExecutable=\(agentPath)

            [Service]
            Type=oneshot
            EnvironmentFile=-/etc/ranchhand/bootstrap.env
            ExecStart=\(command)
            TimeoutStartSec=2h
            StandardOutput=journal+console

            [Install]
            WantedBy=multi-user.target

            """
    }

    /// The unit that waits, in a `Running` or `Hibernated` warm pool, for the instance to enter
    /// service: no boot happens then, so the boot unit cannot notice. Started by the agent, never
    /// enabled (a reboot runs the boot unit, which starts it again if still warm). The template is
    /// `bootstrap/ranchhand-bootstrap-follow.service`.
    public static func followUnit(agentPath: String, arguments: [String]) -> String {
        let command = ([agentPath] + arguments).map(systemdQuoted).joined(separator: " ")
        return """
            # Installed by ranchhand-bootstrap in a Running or Hibernated warm pool: joins when the instance enters service.
            # Configuration reference: docs/bootstrap.md in the ranchhand repository.
            [Unit]
            Description=ranchhand warm-pool follower (join Rancher once autoscaling/target-lifecycle-state is InService)
            Wants=network-online.target
            After=network-online.target ranchhand-bootstrap.service
            ConditionFileIsExecutable=\(agentPath)

            [Service]
            Type=simple
            EnvironmentFile=-/etc/ranchhand/bootstrap.env
            ExecStart=\(command)
            Restart=on-failure
            RestartSec=30
            StandardOutput=journal+console

            """
    }

    /// One ExecStart word: systemd splits on whitespace and honours double quotes; `$` and `%`
    /// would expand, so they are doubled.
    static func systemdQuoted(_ word: String) -> String {
        let escaped = word.replacingOccurrences(of: "%", with: "%%").replacingOccurrences(of: "$", with: "$$")
        guard escaped.contains(where: { $0.isWhitespace || $0 == "\"" || $0 == "\\" || $0 == "'" || $0 == ";" }) || escaped.isEmpty else { return escaped }
        return "\"" + escaped.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

/// JSON text with sorted keys and two-space indentation; whole numbers stay whole (`3`, not `3.0`).
enum PrettyJSON {
    static func pretty(_ value: JSONValue, indent: String = "") -> String {
        let inner = indent + "  "
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number):
            if number.rounded() == number, abs(number) < 9_007_199_254_740_992 { return String(Int64(number)) }
            return String(number)
        case .string(let text): return string(text)
        case .array(let items):
            guard !items.isEmpty else { return "[]" }
            return "[\n" + items.map { inner + pretty($0, indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
        case .object(let members):
            guard !members.isEmpty else { return "{}" }
            let lines = members.keys.sorted().map { inner + string($0) + ": " + pretty(members[$0]!, indent: inner) }
            return "{\n" + lines.joined(separator: ",\n") + "\n\(indent)}"
        }
    }

    static func string(_ text: String) -> String {
        JSONText.quoted(text)
    }
}
