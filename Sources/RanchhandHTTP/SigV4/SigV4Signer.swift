import Crypto
import Foundation

/// AWS Signature Version 4, header form.
///
/// A plain value: each stage AWS documents (canonical request, string to sign, signing key,
/// signature) is its own function, and the signing time is always passed in, so the published
/// test-suite vectors can be asserted stage by stage and a retry can re-sign with a fresh date.
public struct SigV4Signer: Sendable {
    public static let algorithm = "AWS4-HMAC-SHA256"

    public var credentials: AWSCredentials
    public var region: String
    /// The signing name in the credential scope (`autoscaling`, `ec2`, `route53`, `s3`, …). Servers
    /// (and moto) route on it, so it must be exact.
    public var service: String
    /// Send the payload hash as `x-amz-content-sha256`. S3 requires it; other services ignore it,
    /// so it is off unless asked for.
    public var addsContentSHA256Header: Bool

    public init(credentials: AWSCredentials, region: String, service: String, addsContentSHA256Header: Bool = false) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.addsContentSHA256Header = addsContentSHA256Header
    }

    /// S3 signs the wire path exactly as sent; every other service signs it with `.`/`..` resolved,
    /// repeated slashes collapsed and encoded a second time (see `CanonicalRequest.uri`).
    public var normalizesPath: Bool { service != "s3" }

    // MARK: - Stage 1: canonical request

    /// The canonical request for `request` exactly as given: no header is added here, so call it on
    /// `prepared(_:date:)` to see what `signed(_:date:)` signs.
    public func canonicalRequest(_ request: SignableRequest) -> String {
        let signedHeaders = CanonicalRequest.signedHeaders(request.headers)
        return [
            request.method,
            CanonicalRequest.uri(encodedPath: request.encodedPath, normalizingAndEncodingAgain: normalizesPath),
            CanonicalRequest.query(request.query),
            CanonicalRequest.headerBlock(signedHeaders),
            CanonicalRequest.signedHeaderList(signedHeaders),
            payloadHash(request),
        ].joined(separator: "\n")
    }

    /// `host;x-amz-date;…`: the names the canonical request covers.
    public func signedHeaderList(_ request: SignableRequest) -> String {
        CanonicalRequest.signedHeaderList(CanonicalRequest.signedHeaders(request.headers))
    }

    /// Hex SHA-256 of the body, unless the request already says what to sign in
    /// `x-amz-content-sha256` (S3's `UNSIGNED-PAYLOAD`, or a hash computed while streaming).
    public func payloadHash(_ request: SignableRequest) -> String {
        request.headerValue("x-amz-content-sha256") ?? CanonicalRequest.sha256Hex(request.body)
    }

    // MARK: - Stage 2: string to sign

    /// `yyyyMMdd/region/service/aws4_request`.
    public func credentialScope(date: Date) -> String {
        "\(AMZDate.dateStamp(date))/\(region)/\(service)/aws4_request"
    }

    public func stringToSign(canonicalRequest: String, date: Date) -> String {
        [
            Self.algorithm,
            AMZDate.timestamp(date),
            credentialScope(date: date),
            CanonicalRequest.sha256Hex(Array(canonicalRequest.utf8)),
        ].joined(separator: "\n")
    }

    // MARK: - Stage 3: signing key

    /// HMAC chain secret → date → region → service → `aws4_request`. It depends only on the day,
    /// region and service, never on the request.
    public func signingKey(date: Date) -> SymmetricKey {
        let secret = SymmetricKey(data: Array("AWS4\(credentials.secretAccessKey)".utf8))
        let keyForDate = Self.hmac(key: secret, AMZDate.dateStamp(date))
        let keyForRegion = Self.hmac(key: keyForDate, region)
        let keyForService = Self.hmac(key: keyForRegion, service)
        return Self.hmac(key: keyForService, "aws4_request")
    }

    // MARK: - Stage 4: signature and Authorization

    public func signature(stringToSign: String, date: Date) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: signingKey(date: date))
        return CanonicalRequest.hex(code)
    }

    /// The `Authorization` header value for `request` as given (see `canonicalRequest(_:)`).
    public func authorization(for request: SignableRequest, date: Date) -> String {
        let canonical = canonicalRequest(request)
        let signature = signature(stringToSign: stringToSign(canonicalRequest: canonical, date: date), date: date)
        return "\(Self.algorithm) Credential=\(credentials.accessKeyID)/\(credentialScope(date: date)), "
            + "SignedHeaders=\(signedHeaderList(request)), Signature=\(signature)"
    }

    // MARK: - Whole request

    /// `request` with the headers signing needs: `X-Amz-Date` (replacing any earlier one, so a retry
    /// can be re-signed), `Host` when missing, `X-Amz-Security-Token` for temporary credentials
    /// (signed, as the SDKs do), and `x-amz-content-sha256` when asked for.
    public func prepared(_ request: SignableRequest, date: Date) -> SignableRequest {
        var request = request
        request.removeHeaders("Authorization")
        request.setHeader("X-Amz-Date", AMZDate.timestamp(date))
        if request.headerValue("Host") == nil {
            request.headers.append(.init("Host", request.host))
        }
        if let token = credentials.sessionToken {
            request.setHeader("X-Amz-Security-Token", token)
        }
        if addsContentSHA256Header, request.headerValue("x-amz-content-sha256") == nil {
            request.headers.append(.init("x-amz-content-sha256", CanonicalRequest.sha256Hex(request.body)))
        }
        return request
    }

    /// The request ready to send: `prepared(_:date:)` plus its `Authorization` header.
    public func signed(_ request: SignableRequest, date: Date) -> SignableRequest {
        var request = prepared(request, date: date)
        request.headers.append(.init("Authorization", authorization(for: request, date: date)))
        return request
    }

    private static func hmac(key: SymmetricKey, _ message: String) -> SymmetricKey {
        SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: key))
    }
}
