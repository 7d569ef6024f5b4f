import Foundation
import RanchhandClients
import RanchhandEvents
import Yams

/// One source of settings, as text keyed by the one vocabulary every source shares (`rancher-url`,
/// `roles`, …): the flag is `--rancher-url`, the variable `RANCHHAND_RANCHER_URL`, the config file
/// key `rancher-url:`, the SSM parameter `<prefix>rancher-url`. Lists are comma-separated here.
public struct SettingsLayer: Sendable, Hashable {
    /// For messages: `flags`, `environment`, `/etc/ranchhand/bootstrap.yaml`, `SSM /ranchhand/home/`.
    public var source: String
    public var values: [String: String]

    public init(source: String, values: [String: String]) {
        self.source = source
        self.values = values
    }

    /// Every key a layer may set. `rancher-token` is a secret: no flag, no hook metadata.
    public static let keys = [
        "rancher-url", "rancher-token", "cluster-id", "cluster-name", "ca-checksum", "roles", "labels", "taints", "node-name",
        "address", "log-max-size", "log-max-files", "docker", "docker-package", "docker-versions", "fail2ban", "fail2ban-bantime",
        "fail2ban-findtime", "fail2ban-maxretry", "join-timeout", "registration-token-timeout", "lifecycle-hook", "agent-path",
    ]
    public static let secretKeys: Set<String> = ["rancher-token"]
    /// What a launch hook's `NotificationMetadata` may carry (anyone who can describe the hook reads it).
    public static let hookMetadataKeys: Set<String> = ["roles", "labels", "taints"]

    /// `RANCHHAND_<KEY>` variables (`RANCHHAND_RANCHER_URL`); other variables are ignored.
    public static func environment(_ environment: [String: String]) -> SettingsLayer {
        var values: [String: String] = [:]
        for key in keys {
            let name = "RANCHHAND_" + key.uppercased().replacingOccurrences(of: "-", with: "_")
            if let value = environment[name], !value.isEmpty { values[key] = value }
        }
        return SettingsLayer(source: "environment", values: values)
    }

    /// A YAML mapping of the same keys; lists may be YAML sequences and `labels` a mapping.
    public static func configFile(_ text: String, path: String) throws(BootstrapError) -> SettingsLayer {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw BootstrapError.configuration(["\(path): not valid YAML: \(error)"])
        }
        guard let node else { return SettingsLayer(source: path, values: [:]) }
        guard let mapping = node.mapping else { throw BootstrapError.configuration(["\(path): must be a mapping of settings"]) }
        var values: [String: String] = [:]
        var problems: [String] = []
        for (keyNode, valueNode) in mapping {
            let key = keyNode.string ?? ""
            let line = (keyNode.mark?.line).map { ":\($0)" } ?? ""
            guard keys.contains(key) else {
                problems.append("\(path)\(line): unknown setting '\(key)'\(suggestion(for: key))")
                continue
            }
            if let scalar = valueNode.scalar {
                values[key] = scalar.string
            } else if let sequence = valueNode.sequence {
                values[key] = sequence.compactMap(\.string).joined(separator: ",")
            } else if let pairs = valueNode.mapping, key == "labels" {
                values[key] = pairs.map { "\($0.key.string ?? "")=\($0.value.string ?? "")" }.sorted().joined(separator: ",")
            } else {
                problems.append("\(path)\(line): '\(key)' must be a value or a list")
            }
        }
        guard problems.isEmpty else { throw BootstrapError.configuration(problems) }
        return SettingsLayer(source: path, values: values)
    }

    /// The parameters under `prefix`: `<prefix><key>` for every node, `<prefix>groups/<group>/<key>`
    /// for the nodes of one Auto Scaling group (the latter ranks higher). Returns the group layer
    /// first. `rancher-token` must be a SecureString.
    public static func parameterStore(_ parameters: [SSMParameter], prefix: String, group: AutoScalingGroupName?) throws(BootstrapError)
        -> (group: SettingsLayer, common: SettingsLayer) {
        let base = prefix.hasSuffix("/") ? prefix : prefix + "/"
        var common: [String: String] = [:]
        var grouped: [String: String] = [:]
        var problems: [String] = []
        for parameter in parameters where parameter.name.hasPrefix(base) {
            let relative = String(parameter.name.dropFirst(base.count))
            let parts = relative.split(separator: "/").map(String.init)
            let key: String
            if parts.count == 3, parts[0] == "groups" {
                guard parts[1] == group?.rawValue else { continue }
                key = parts[2]
            } else if parts.count == 1 {
                key = parts[0]
            } else {
                problems.append("SSM \(parameter.name): not a setting (expected \(base)<setting> or \(base)groups/<group>/<setting>)")
                continue
            }
            guard keys.contains(key) else {
                problems.append("SSM \(parameter.name): unknown setting '\(key)'\(suggestion(for: key))")
                continue
            }
            if secretKeys.contains(key), !parameter.isSecret {
                problems.append("SSM \(parameter.name): holds a secret but is a \(parameter.type); store it as a SecureString")
                continue
            }
            if parts.count == 3 { grouped[key] = parameter.value } else { common[key] = parameter.value }
        }
        guard problems.isEmpty else { throw BootstrapError.configuration(problems) }
        let groupSource = "SSM \(base)groups/\(group?.rawValue ?? "-")/"
        return (SettingsLayer(source: groupSource, values: grouped), SettingsLayer(source: "SSM \(base)", values: common))
    }

    /// A launch hook's `NotificationMetadata` when it is a JSON object: `roles` (a string or a
    /// list), `labels` (an object or `k=v,…`), `taints` (a list or a string). Other keys, and
    /// metadata that is not JSON, belong to someone else and are ignored.
    public static func hookMetadata(_ text: String?) -> SettingsLayer {
        let source = "lifecycle hook metadata"
        guard let text, let object = try? JSONValue.parse(text).objectValue else { return SettingsLayer(source: source, values: [:]) }
        var values: [String: String] = [:]
        for key in hookMetadataKeys {
            switch object[key] {
            case .string(let value)?: values[key] = value
            case .array(let items)?: values[key] = items.compactMap(\.stringValue).joined(separator: ",")
            case .object(let pairs)? where key == "labels":
                values[key] = pairs.compactMap { name, value in value.stringValue.map { "\(name)=\($0)" } }.sorted().joined(separator: ",")
            default: break
            }
        }
        return SettingsLayer(source: source, values: values)
    }

    static func suggestion(for key: String) -> String {
        guard let best = keys.min(by: { editDistance($0, key) < editDistance($1, key) }), editDistance(best, key) <= 3 else { return "" }
        return " (did you mean '\(best)'?)"
    }
}
