/// Percent-encoding for the paths and queries the Rancher and Kubernetes clients build. RFC 3986
/// unreserved characters pass; path segments also keep `:` (Rancher ids are `c-x:m-y`, and
/// Rancher's own links carry the colon unencoded).
enum URLEncoding {
    static func pathSegment(_ value: String) -> String { encode(value, keeping: ":@") }

    static func queryValue(_ value: String) -> String { encode(value, keeping: "") }

    static func query(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(queryValue($0.0))=\(queryValue($0.1))" }.joined(separator: "&")
    }

    private static func encode(_ value: String, keeping extra: String) -> String {
        var result = ""
        for byte in value.utf8 {
            if byte.isASCIIAlphanumeric || "-._~".utf8.contains(byte) || extra.utf8.contains(byte) {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                result += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return result
    }

    /// `scheme://authority` of an absolute URL (`https://h:1/prefix` → `https://h:1`).
    static func origin(of url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        let end = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        return String(url[..<end])
    }

    /// The path and query of an absolute URL (`https://h:1/v3/nodes?marker=x` → `/v3/nodes?marker=x`),
    /// so a server-sent link is followed against our own base URL and our token never goes elsewhere.
    static func pathAndQuery(of url: String) -> String? {
        guard let schemeEnd = url.range(of: "://") else { return url.hasPrefix("/") ? url : nil }
        let rest = url[schemeEnd.upperBound...]
        guard let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) else { return "/" }
        let tail = String(rest[slash...])
        return tail.hasPrefix("?") ? "/" + tail : tail
    }
}

extension UInt8 {
    fileprivate var isASCIIAlphanumeric: Bool {
        (0x30...0x39).contains(self) || (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self)
    }
}
