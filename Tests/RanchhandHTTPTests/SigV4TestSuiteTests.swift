import Foundation
import Testing

@testable import RanchhandHTTP

/// The published AWS SigV4 test suite (Tests/Fixtures/sigv4, see SOURCE.md there) as the oracle:
/// each `.req` is parsed, signed, and compared byte for byte with `.creq`, `.sts` and `.authz`.
@Suite("SigV4 against the AWS test suite")
struct SigV4TestSuiteTests {
    /// Vectors whose four files agree with each other and with our signer.
    static let fullyPassing = [
        "get-header-key-duplicate", "get-header-value-order", "get-header-value-trim", "get-unreserved",
        "get-vanilla", "get-vanilla-empty-query-key", "get-vanilla-query",
        "get-vanilla-query-order-key", "get-vanilla-query-order-key-case", "get-vanilla-query-order-value",
        "get-vanilla-query-unreserved", "get-vanilla-utf8-query", "post-header-key-case", "post-header-key-sort",
        "post-header-value-case", "post-vanilla", "post-vanilla-empty-query-value", "post-vanilla-query",
        "normalize-path/get-relative", "normalize-path/get-relative-relative", "normalize-path/get-slash",
        "normalize-path/get-slash-dot-slash", "normalize-path/get-slash-pointless-dot",
        "normalize-path/get-slashes", "post-sts-token/post-sts-header-before",
    ]

    /// Their `.req` puts raw UTF-8 and a space on the request line, which our transport never sends:
    /// it sends those bytes percent-encoded, as every HTTP client must.
    static let rawBytesOnTheWire = ["get-utf8", "normalize-path/get-space"]

    /// The published `.sts`/`.authz` of these were computed from an older `.req` (without
    /// `Content-Length`, and `charset=utf8` in the second), so only `.creq` still describes the
    /// `.req` shipped beside it. SOURCE.md has the arithmetic.
    static let canonicalRequestOnly = ["post-x-www-form-urlencoded", "post-x-www-form-urlencoded-parameters"]

    @Test("canonical request, string to sign and Authorization match", arguments: fullyPassing)
    func vectorPasses(_ name: String) throws {
        let vector = try SuiteVector(name)
        let signer = SuiteVector.signer(sessionToken: vector.request.headerValue("X-Amz-Security-Token"))

        let canonical = signer.canonicalRequest(vector.request)
        #expect(canonical == vector.canonicalRequest)
        #expect(signer.stringToSign(canonicalRequest: canonical, date: SuiteVector.date) == vector.stringToSign)

        let signed = signer.signed(vector.request, date: SuiteVector.date)
        #expect(signed.headerValues("Authorization") == [vector.authorization])
        // Signing adds only Authorization to a request that already carries Host and X-Amz-Date.
        #expect(signed.headers.count == vector.request.headers.count + 1)
    }

    /// The suite's canonical path is its wire path encoded (aws-c-auth runs these vectors with
    /// `use_double_uri_encode`). We send that encoded path, so the service sees it as the wire path
    /// and signs it encoded once more; everything else in the canonical request is the suite's.
    @Test("raw bytes on the suite's request line: its path encoded is what we send, and we sign that encoded again",
          arguments: rawBytesOnTheWire)
    func wirePathIsEncodedAgain(_ name: String) throws {
        let vector = try SuiteVector(name)
        var expected = vector.canonicalRequest.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(CanonicalRequest.uri(encodedPath: vector.wirePath, normalizingAndEncodingAgain: true) == expected[1])
        #expect(vector.request.encodedPath == expected[1], "what our transport sends for the same path")
        expected[1] = PercentEncoding.encodePath(expected[1])
        #expect(SuiteVector.signer().canonicalRequest(vector.request) == expected.joined(separator: "\n"))
    }

    @Test("canonical request matches where the suite's own files disagree", arguments: canonicalRequestOnly)
    func canonicalRequestMatches(_ name: String) throws {
        let vector = try SuiteVector(name)
        #expect(SuiteVector.signer().canonicalRequest(vector.request) == vector.canonicalRequest)
    }

    @Test("a session token is signed, as in post-sts-header-before, never left out as in -after")
    func sessionTokenIsSigned() throws {
        let after = try SuiteVector("post-sts-token/post-sts-header-after")
        let before = try SuiteVector("post-sts-token/post-sts-header-before")
        let token = try #require(before.request.headerValue("X-Amz-Security-Token"))

        let signed = SuiteVector.signer(sessionToken: token).signed(after.request, date: SuiteVector.date)

        #expect(signed.headerValue("X-Amz-Security-Token") == token)
        #expect(signed.headerValue("Authorization") == before.authorization)
        #expect(signed.headerValue("Authorization") != after.authorization)
    }

    @Test("every vector in the fixtures folder is accounted for")
    func everyFixtureIsListed() throws {
        let listed = Set(Self.fullyPassing + Self.rawBytesOnTheWire + Self.canonicalRequestOnly + ["post-sts-token/post-sts-header-after"])
        #expect(Set(try SuiteVector.allNames()) == listed)
    }
}

/// One folder of the suite: the request parsed from `.req`, and the three expected texts.
private struct SuiteVector {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/sigv4")
    static let date = AMZDate.date(fromTimestamp: "20150830T123600Z")!

    static func signer(sessionToken: String? = nil) -> SigV4Signer {
        let credentials = AWSCredentials(
            accessKeyID: "AKIDEXAMPLE",
            secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            sessionToken: sessionToken
        )
        return SigV4Signer(credentials: credentials, region: "us-east-1", service: "service")
    }

    /// Relative folder names of every `.req` under the fixtures root.
    static func allNames() throws -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: root.path)
        var names: [String] = []
        while let relative = enumerator?.nextObject() as? String {
            if relative.hasSuffix(".req") {
                names.append((relative as NSString).deletingLastPathComponent)
            }
        }
        return names
    }

    let request: SignableRequest
    /// The path exactly as the `.req` request line has it.
    let wirePath: String
    let canonicalRequest: String
    let stringToSign: String
    let authorization: String

    init(_ name: String) throws {
        let base = Self.root.appendingPathComponent(name)
            .appendingPathComponent((name as NSString).lastPathComponent)
        func read(_ suffix: String) throws -> String {
            try String(contentsOf: base.appendingPathExtension(suffix), encoding: .utf8)
        }
        let text = try read("req")
        request = try Self.parseRequest(text)
        let target = text.prefix { $0 != "\n" }.split(separator: " ", maxSplits: 1).last?.dropLast(" HTTP/1.1".count) ?? ""
        wirePath = String(target.prefix { $0 != "?" })
        canonicalRequest = try read("creq")
        stringToSign = try read("sts")
        authorization = try read("authz")
    }

    /// Reads the suite's HTTP/1.1 text: request line (the URI may contain spaces, as in
    /// get-space), `Name:value` header lines kept verbatim, blank line, body.
    static func parseRequest(_ text: String) throws -> SignableRequest {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let requestLine = lines.removeFirst()
        guard let method = requestLine.split(separator: " ").first else { throw MalformedVector(text) }
        let target = requestLine.dropFirst(method.count + 1).dropLast(" HTTP/1.1".count)

        var headers: [SignableRequest.Header] = []
        while let line = lines.first, !line.isEmpty {
            lines.removeFirst()
            guard let colon = line.firstIndex(of: ":") else { throw MalformedVector(line) }
            headers.append(.init(String(line[..<colon]), String(line[line.index(after: colon)...])))
        }
        let body = lines.dropFirst().joined(separator: "\n")

        let pathAndQuery = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let query = pathAndQuery.count > 1 ? try parseQuery(String(pathAndQuery[1])) : []
        let host = headers.first { $0.name.lowercased() == "host" }?.value ?? ""
        return SignableRequest(
            method: String(method),
            host: host,
            path: try decoded(pathAndQuery[0]),
            query: query,
            headers: headers,
            body: Array(body.utf8)
        )
    }

    private static func decoded(_ text: Substring) throws -> String {
        guard let decoded = PercentEncoding.decode(String(text)) else { throw MalformedVector(String(text)) }
        return decoded
    }

    private static func parseQuery(_ query: String) throws -> [SignableRequest.QueryItem] {
        try query.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let value = parts.count > 1 ? try decoded(parts[1]) : ""
            return SignableRequest.QueryItem(try decoded(parts[0]), value)
        }
    }
}

private struct MalformedVector: Error, CustomStringConvertible {
    let description: String
    init(_ text: String) { description = "cannot read test-suite text: \(text)" }
}
