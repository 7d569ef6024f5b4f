import Foundation

/// TLS is always on for real endpoints. Plain HTTP is allowed only where it cannot leave the
/// machine or the instance: loopback (emulators, the sandbox, endpoint overrides in tests) and
/// the link-local metadata and container-credential endpoints AWS serves over HTTP.
enum PlainHTTPPolicy {
    static let linkLocalEndpoints: Set<String> = ["169.254.169.254", "169.254.170.2", "169.254.170.23", "[fd00:ec2::254]", "fd00:ec2::254"]

    static func allowsPlainHTTP(host: String) -> Bool {
        let host = host.lowercased()
        if host == "localhost" || host == "[::1]" || host == "::1" || linkLocalEndpoints.contains(host) { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// Scheme and host of an absolute URL (`http://127.0.0.1:5000/x` → ("http", "127.0.0.1")).
    static func schemeAndHost(of url: String) -> (scheme: String, host: String)? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        let rest = url[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let hostAndPort = authority.split(separator: "@").last.map(String.init) ?? ""
        if hostAndPort.hasPrefix("[") {
            let end = hostAndPort.firstIndex(of: "]").map { hostAndPort.index(after: $0) } ?? hostAndPort.endIndex
            return (scheme, String(hostAndPort[..<end]))
        }
        return (scheme, String(hostAndPort.prefix { $0 != ":" }))
    }
}
