import Crypto

/// The pieces of a SigV4 canonical request, each a pure function of the request so tests can
/// check them one at a time against the published vectors.
enum CanonicalRequest {
    /// Headers never signed even when present, because the HTTP client or a proxy on the way may
    /// add, drop or rewrite them after signing: hop-by-hop headers, plus the ones the AWS SDKs
    /// also leave out (`user-agent`, `x-amzn-trace-id`, `expect`).
    static let unsignedHeaderNames: Set<String> = [
        "authorization", "user-agent", "x-amzn-trace-id", "expect", "connection", "keep-alive",
        "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade",
    ]

    /// From the path as it goes on the wire (`SignableRequest.encodedPath`). S3 signs it exactly as
    /// sent: object keys may hold dot segments and repeated slashes. Every other service resolves
    /// `.` and `..`, drops empty segments and encodes the result once more, because it checks the
    /// signature against the path as received, still encoded (the SDKs' "double URI encoding":
    /// botocore quotes the already quoted path; aws-c-auth's `use_double_uri_encode`).
    static func uri(encodedPath: String, normalizingAndEncodingAgain: Bool) -> String {
        let wire = encodedPath.isEmpty ? "/" : encodedPath
        guard normalizingAndEncodingAgain else { return wire }
        return PercentEncoding.encodePath(removingDotSegments(wire))
    }

    /// RFC 3986 §5.2.4 dot-segment removal plus collapsing of repeated slashes, as the AWS suite's
    /// `normalize-path` vectors expect (`//example//` → `/example/`, `/./` → `/`).
    static func removingDotSegments(_ path: String) -> String {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        var kept: [Substring] = []
        for segment in segments {
            switch segment {
            case "", ".": continue
            case "..": _ = kept.popLast()
            default: kept.append(segment)
            }
        }
        // A path that named a directory (trailing slash, or ending in a dot segment) still does.
        let last = segments.last ?? ""
        let namesDirectory = last.isEmpty || last == "." || last == ".."
        let joined = "/" + kept.joined(separator: "/")
        return namesDirectory && !kept.isEmpty ? joined + "/" : joined
    }

    /// `name=value` pairs, encoded, sorted by encoded name and then encoded value (byte order, so
    /// `Param1=Value1` sorts before `Param1=value2`), joined with `&`.
    static func query(_ items: [SignableRequest.QueryItem]) -> String {
        items
            .map { (name: PercentEncoding.encode($0.name), value: PercentEncoding.encode($0.value)) }
            .sorted { lhs, rhs in
                lhs.name == rhs.name
                    ? lhs.value.utf8.lexicographicallyPrecedes(rhs.value.utf8)
                    : lhs.name.utf8.lexicographicallyPrecedes(rhs.name.utf8)
            }
            .map { "\($0.name)=\($0.value)" }
            .joined(separator: "&")
    }

    /// The headers that will be signed: lower-cased names, sorted, each with its values trimmed,
    /// inner whitespace runs folded to one space, and repeated headers joined with `,` in the order
    /// they appear.
    static func signedHeaders(_ headers: [SignableRequest.Header]) -> [(name: String, value: String)] {
        var valuesByName: [String: [String]] = [:]
        for header in headers {
            let name = header.name.lowercased()
            guard !unsignedHeaderNames.contains(name) else { continue }
            valuesByName[name, default: []].append(foldingWhitespace(header.value))
        }
        return valuesByName
            .map { (name: $0.key, value: $0.value.joined(separator: ",")) }
            .sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
    }

    /// The canonical-headers block: one `name:value\n` line per signed header.
    static func headerBlock(_ signed: [(name: String, value: String)]) -> String {
        signed.map { "\($0.name):\($0.value)\n" }.joined()
    }

    /// `host;x-amz-date;…` — the list that also goes into the Authorization header.
    static func signedHeaderList(_ signed: [(name: String, value: String)]) -> String {
        signed.map(\.name).joined(separator: ";")
    }

    static func foldingWhitespace(_ value: String) -> String {
        var output = ""
        output.reserveCapacity(value.utf8.count)
        var pendingSpace = false
        for character in value {
            if character == " " || character == "\t" {
                pendingSpace = !output.isEmpty
            } else {
                if pendingSpace { output.append(" ") }
                pendingSpace = false
                output.append(character)
            }
        }
        return output
    }

    /// Lower-case hex, the form every SigV4 hash and signature is written in.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var output: [UInt8] = []
        for byte in bytes {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    static func sha256Hex(_ bytes: some Sequence<UInt8>) -> String {
        hex(SHA256.hash(data: Array(bytes)))
    }
}
