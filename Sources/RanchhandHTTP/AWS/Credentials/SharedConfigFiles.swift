import Foundation
import RanchhandClients

/// `~/.aws/config` and `~/.aws/credentials`, as the SDKs read them: `[profile name]` sections in
/// the config file (`[default]` for the default), `[name]` in the credentials file, whose keys win.
/// Paths come from `AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE`, else `$HOME/.aws/…`, all
/// taken from the environment dictionary given.
public struct SharedConfigFiles: Sendable, Equatable {
    /// Profile name → settings (keys lower-cased).
    public private(set) var profiles: [String: [String: String]]

    public init(profiles: [String: [String: String]] = [:]) {
        self.profiles = profiles
    }

    /// Reads both files; a missing file counts as empty.
    public static func load(environment: [String: String]) throws(ClientError) -> SharedConfigFiles {
        let home = environment["HOME"] ?? ""
        let configPath = environment["AWS_CONFIG_FILE"].map { expand($0, home: home) } ?? "\(home)/.aws/config"
        let credentialsPath = environment["AWS_SHARED_CREDENTIALS_FILE"].map { expand($0, home: home) } ?? "\(home)/.aws/credentials"
        return SharedConfigFiles(config: try read(configPath), credentials: try read(credentialsPath))
    }

    /// Builds the profiles from the two files' text.
    public init(config: String, credentials: String) {
        var profiles: [String: [String: String]] = [:]
        for (section, settings) in Self.sections(config) {
            let name: String
            if section == "default" {
                name = "default"
            } else if section.hasPrefix("profile ") || section.hasPrefix("profile\t") {
                name = section.dropFirst("profile".count).trimmingCharacters(in: .whitespaces)
            } else {
                continue  // `[sso-session x]`, `[services x]`, and bare names (ignored by the SDKs too)
            }
            profiles[name, default: [:]].merge(settings) { _, new in new }
        }
        for (section, settings) in Self.sections(credentials) {
            profiles[section, default: [:]].merge(settings) { _, new in new }
        }
        self.profiles = profiles
    }

    public func profile(_ name: String) -> [String: String]? { profiles[name] }

    /// INI sections in order. Comments start with `#` or `;` at the start of a line (or after
    /// whitespace in a value); indented lines continue a nested setting and are skipped.
    static func sections(_ text: String) -> [(String, [String: String])] {
        var result: [(String, [String: String])] = []
        var current: (name: String, settings: [String: String])?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                if let current { result.append((current.name, current.settings)) }
                let inner = line.dropFirst().prefix { $0 != "]" }
                current = (inner.trimmingCharacters(in: .whitespaces), [:])
                continue
            }
            if rawLine.first?.isWhitespace == true { continue }
            guard current != nil, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var value = String(line[line.index(after: equals)...])
            for marker in [" #", "\t#", " ;", "\t;"] {
                if let range = value.range(of: marker) { value = String(value[..<range.lowerBound]) }
            }
            current?.settings[key] = value.trimmingCharacters(in: .whitespaces)
        }
        if let current { result.append((current.name, current.settings)) }
        return result
    }

    private static func read(_ path: String) throws(ClientError) -> String {
        guard FileManager.default.fileExists(atPath: path) else { return "" }
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ClientError(.credentials, service: "credentials", operation: "read \(path)",
                              message: "cannot read the AWS shared config file: \(error.localizedDescription)")
        }
    }

    static func expand(_ path: String, home: String) -> String {
        path.hasPrefix("~/") ? home + path.dropFirst() : path
    }
}
