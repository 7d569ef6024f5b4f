import Foundation
import RanchhandClients
import RanchhandEvents

/// Settings and where each came from (for `plan`, and for messages).
public struct ResolvedBootstrapSettings: Sendable, Hashable {
    public var settings: BootstrapSettings
    /// Setting key → the source that supplied it; absent keys took their default.
    public var sources: [String: String]
}

extension BootstrapSettings {
    /// Resolves `layers`, highest precedence first (the agent passes: flags, environment, config
    /// file, SSM group parameters, hook metadata, SSM common parameters). The first layer holding
    /// a key decides it, except `labels`, which merge (a higher layer wins per label key). Every
    /// problem is reported at once.
    public static func resolve(_ layers: [SettingsLayer]) throws(BootstrapError) -> ResolvedBootstrapSettings {
        var reader = LayerReader(layers: layers)
        var settings = BootstrapSettings()
        if let url = reader.string("rancher-url") {
            if Self.isAcceptableRancherURL(url) { settings.rancherURL = url.hasSuffix("/") ? String(url.dropLast()) : url }
            else { reader.problem("rancher-url", "'\(url)' must be an https:// URL (http:// only for localhost)") }
        }
        settings.rancherToken = reader.string("rancher-token").map(BootstrapSecret.init)
        // cluster-id and cluster-name are one setting: the highest layer naming either decides.
        let (clusterID, clusterName) = reader.either("cluster-id", "cluster-name")
        switch (clusterID, clusterName) {
        case let (id?, nil):
            if id.range(of: #"^(local|c-[a-z0-9]+|c-m-[a-z0-9]+)$"#, options: .regularExpression) != nil { settings.cluster = .id(RancherClusterID(id)) }
            else { reader.problem("cluster-id", "'\(id)' is not a cluster id (local, c-xxxxx or c-m-xxxxxxxx); use cluster-name for a name") }
        case let (nil, name?): settings.cluster = .name(name)
        case (.some, .some): reader.problem("cluster-id", "set cluster-id or cluster-name, not both")
        case (nil, nil): break
        }
        if let checksum = reader.string("ca-checksum") {
            let lower = checksum.lowercased()
            if lower.count == 64, lower.allSatisfy(\.isHexDigit) { settings.caChecksum = lower }
            else { reader.problem("ca-checksum", "must be 64 hex digits (sha256 of Rancher's cacerts)") }
        }
        if let text = reader.string("roles") {
            let names = Self.list(text)
            let roles = names.compactMap { name in NodeRole(rawValue: name == "control-plane" ? "controlplane" : name) }
            if roles.count == names.count, !roles.isEmpty { settings.roles = Set(roles) }
            else { reader.problem("roles", "'\(text)' must list one or more of etcd, controlplane, worker") }
        }
        settings.labels = reader.mergedLabels()
        if let text = reader.string("taints") {
            let taints = Self.list(text).map { ($0, NodeTaint($0)) }
            for (raw, taint) in taints where taint == nil { reader.problem("taints", "'\(raw)' is not key=value:Effect (NoSchedule, PreferNoSchedule, NoExecute)") }
            settings.taints = taints.compactMap(\.1)
        }
        settings.nodeName = reader.choice("node-name") ?? settings.nodeName
        settings.address = reader.choice("address") ?? settings.address
        if let size = reader.matching("log-max-size", #"^[0-9]+[kmg]?$"#, "a size like 50m, 1g or 500k") { settings.logRotation.maxSize = size }
        settings.logRotation.maxFiles = reader.integer("log-max-files", atLeast: 2) ?? settings.logRotation.maxFiles
        settings.docker = reader.choice("docker") ?? settings.docker
        settings.dockerPackage = reader.matching("docker-package", #"^[a-z0-9][a-z0-9+.-]*$"#, "a package name")
        if let text = reader.string("docker-versions") {
            let versions = Self.list(text)
            if !versions.isEmpty, versions.allSatisfy({ $0.range(of: #"^[0-9]+\.[0-9]+$"#, options: .regularExpression) != nil }) {
                settings.dockerVersions = versions
            } else {
                reader.problem("docker-versions", "'\(text)' must list major.minor versions such as 20.10,24.0")
            }
        }
        settings.fail2ban.mode = reader.hardening("fail2ban") ?? settings.fail2ban.mode
        let time = #"^[0-9]+[smhdw]?$"#
        settings.fail2ban.bantime = reader.matching("fail2ban-bantime", time, "a time like 1h, 10m or 600") ?? settings.fail2ban.bantime
        settings.fail2ban.findtime = reader.matching("fail2ban-findtime", time, "a time like 1h, 10m or 600") ?? settings.fail2ban.findtime
        settings.fail2ban.maxretry = reader.integer("fail2ban-maxretry", atLeast: 1) ?? settings.fail2ban.maxretry
        let member = !settings.roles.isDisjoint(with: [.etcd, .controlPlane])
        settings.joinTimeout = reader.duration("join-timeout") ?? (member ? Self.memberJoinTimeout : Self.workerJoinTimeout)
        settings.registrationTokenTimeout = reader.duration("registration-token-timeout") ?? settings.registrationTokenTimeout
        settings.lifecycleHook = reader.string("lifecycle-hook").map(LifecycleHookName.init(rawValue:))
        settings.agentPath = reader.matching("agent-path", #"^/[A-Za-z0-9._/+-]+$"#, "an absolute path") ?? settings.agentPath
        guard reader.problems.isEmpty else { throw BootstrapError.configuration(reader.problems) }
        return ResolvedBootstrapSettings(settings: settings, sources: reader.sources)
    }

    static func isAcceptableRancherURL(_ url: String) -> Bool {
        guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty else { return false }
        if components.scheme == "https" { return true }
        return components.scheme == "http" && ["localhost", "127.0.0.1", "::1"].contains(host)
    }

    /// Comma- or whitespace-separated items.
    static func list(_ text: String) -> [String] {
        text.split { $0 == "," || $0.isWhitespace }.map(String.init)
    }
}

/// Reads typed values from the layers, remembering each problem with the source that caused it.
private struct LayerReader {
    let layers: [SettingsLayer]
    var problems: [String] = []
    var sources: [String: String] = [:]

    init(layers: [SettingsLayer]) { self.layers = layers }

    mutating func string(_ key: String) -> String? {
        for layer in layers {
            guard let value = layer.values[key]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { continue }
            if SettingsLayer.secretKeys.contains(key), layer.source == "lifecycle hook metadata" { continue }
            sources[key] = layer.source
            return value
        }
        return nil
    }

    /// Two keys that name one setting: both from the highest layer holding either.
    mutating func either(_ first: String, _ second: String) -> (String?, String?) {
        guard let layer = layers.first(where: { !($0.values[first] ?? "").isEmpty || !($0.values[second] ?? "").isEmpty }) else { return (nil, nil) }
        let pick = { (key: String) -> String? in
            layer.values[key].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        for key in [first, second] where pick(key) != nil { sources[key] = layer.source }
        return (pick(first), pick(second))
    }

    mutating func problem(_ key: String, _ message: String) {
        problems.append("\(sources[key] ?? "settings"): \(key): \(message)")
    }

    mutating func choice<Choice: RawRepresentable<String> & CaseIterable>(_ key: String) -> Choice? {
        guard let text = string(key) else { return nil }
        if let choice = Choice(rawValue: text) { return choice }
        problem(key, "'\(text)' must be one of \(Choice.allCases.map(\.rawValue).joined(separator: ", "))")
        return nil
    }

    mutating func matching(_ key: String, _ pattern: String, _ what: String) -> String? {
        guard let text = string(key) else { return nil }
        if text.range(of: pattern, options: .regularExpression) != nil { return text }
        problem(key, "'\(text)' must be \(what)")
        return nil
    }

    mutating func integer(_ key: String, atLeast minimum: Int) -> Int? {
        guard let text = string(key) else { return nil }
        if let value = Int(text), value >= minimum { return value }
        problem(key, "'\(text)' must be a whole number of at least \(minimum)")
        return nil
    }

    /// `required`, `best-effort` or `off`; the booleans of earlier versions read as `best-effort`
    /// (true) and `off` (false).
    mutating func hardening(_ key: String) -> HardeningMode? {
        guard let text = string(key) else { return nil }
        if let mode = HardeningMode(rawValue: text.lowercased()) { return mode }
        switch text.lowercased() {
        case "true", "yes", "on", "enabled", "1": return .bestEffort
        case "false", "no", "disabled", "0": return .off
        default:
            problem(key, "'\(text)' must be required, best-effort or off")
            return nil
        }
    }

    mutating func duration(_ key: String) -> Duration? {
        guard let text = string(key) else { return nil }
        if let seconds = DurationText.seconds(text), seconds > 0 { return .milliseconds(Int64(seconds * 1000)) }
        problem(key, "'\(text)' must be a duration like 90s, 15m or 1h")
        return nil
    }

    /// `k=v` pairs from every layer; a higher layer wins per key.
    mutating func mergedLabels() -> [String: String] {
        var labels: [String: String] = [:]
        var from: [String] = []
        for layer in layers.reversed() {
            guard let text = layer.values["labels"], !text.isEmpty else { continue }
            from.insert(layer.source, at: 0)
            for item in BootstrapSettings.list(text) {
                let key = String(item.prefix { $0 != "=" })
                let value = item.contains("=") ? String(item.drop { $0 != "=" }.dropFirst()) : ""
                // `novalue` is a typo far more often than an empty value, which is written `novalue=`.
                guard item.contains("="), LabelSyntax.isKey(key), LabelSyntax.isValue(value) else {
                    problems.append("\(layer.source): labels: '\(item)' is not a valid key=value label")
                    continue
                }
                labels[key] = value
            }
        }
        if !from.isEmpty { sources["labels"] = from.joined(separator: " + ") }
        return labels
    }
}
