import Foundation
import RanchhandClients
import RanchhandEvents

/// IMDSv2 and nothing else: every read carries a session token from `PUT /latest/api/token`,
/// cached until `tokenRefreshMargin` before its TTL ends; a 401 (token expired or revoked early)
/// fetches a new token once. IMDSv1 (tokenless GET) is never attempted, even when the token PUT
/// fails. One actor per process so concurrent readers share the token.
public actor LiveInstanceMetadataClient: InstanceMetadataClient {
    public let configuration: InstanceMetadataConfiguration
    private let transport: any HTTPTransport
    private let now: @Sendable () -> Date
    private let timeout: Duration
    private let tokenRefreshMargin: TimeInterval
    private var token: (value: String, expires: Date)?

    public init(configuration: InstanceMetadataConfiguration, transport: any HTTPTransport, now: @escaping @Sendable () -> Date,
                timeout: Duration = .seconds(2), tokenRefreshMargin: TimeInterval = 60) {
        self.configuration = configuration
        self.transport = transport
        self.now = now
        self.timeout = timeout
        self.tokenRefreshMargin = tokenRefreshMargin
    }

    // MARK: - InstanceMetadataClient

    public func instanceMetadata() async throws(ClientError) -> InstanceMetadata {
        let instanceID = try await required("instance-id")
        let zone = try await required("placement/availability-zone")
        let region: String
        if let placed = try await metadata("placement/region") {
            region = placed
        } else {
            region = try await identityRegion()
        }
        var hostname = try await metadata("local-hostname")
        if hostname == nil { hostname = try await metadata("hostname") }
        return InstanceMetadata(
            instanceID: InstanceID(instanceID), region: AWSRegion(region), availabilityZone: zone,
            instanceType: try await metadata("instance-type") ?? "",
            privateIPv4: try await required("local-ipv4"),
            publicIPv4: try await metadata("public-ipv4").flatMap { $0.isEmpty ? nil : $0 },
            hostname: hostname ?? "",
            tags: try await instanceTags())
    }

    public func instanceTags() async throws(ClientError) -> [String: String]? {
        guard let keys = try await metadata("tags/instance") else { return nil }
        var tags: [String: String] = [:]
        for key in keys.split(whereSeparator: \.isNewline).map(String.init) where !key.isEmpty {
            tags[key] = try await metadata("tags/instance/" + PercentEncoding.encode(key)) ?? ""
        }
        return tags
    }

    public func targetLifecycleState() async throws(ClientError) -> String? {
        try await metadata("autoscaling/target-lifecycle-state")
    }

    // MARK: - Raw reads

    /// `GET /latest/meta-data/<path>` (path already percent-encoded); `nil` on 404.
    public func metadata(_ path: String) async throws(ClientError) -> String? {
        try await get("/latest/meta-data/" + path)
    }

    /// `GET <path>` under the endpoint with the session token; `nil` on 404.
    public func get(_ path: String) async throws(ClientError) -> String? {
        let operation = "GET \(path)"
        guard !configuration.isDisabled else {
            throw ClientError(.configuration, service: "imds", operation: operation,
                              message: "instance metadata is turned off (AWS_EC2_METADATA_DISABLED=true)")
        }
        var response = try await send("GET", path, headers: [.init("X-aws-ec2-metadata-token", try await sessionToken())])
        if response.status == 401 {
            token = nil
            response = try await send("GET", path, headers: [.init("X-aws-ec2-metadata-token", try await sessionToken())])
        }
        switch response.status {
        case 200..<300: return String(decoding: response.body, as: UTF8.self)
        case 404: return nil
        default:
            throw ClientError(.service, service: "imds", operation: operation, statusCode: response.status,
                              message: "instance metadata answered HTTP \(response.status): \(response.bodyExcerpt)")
        }
    }

    private func required(_ path: String) async throws(ClientError) -> String {
        guard let value = try await metadata(path) else {
            throw ClientError(.invalidResponse, service: "imds", operation: "GET /latest/meta-data/\(path)", statusCode: 404,
                              message: "instance metadata has no \(path); is this an EC2 instance?")
        }
        return value
    }

    private func identityRegion() async throws(ClientError) -> String {
        struct Document: Decodable { var region: String }
        let path = "/latest/dynamic/instance-identity/document"
        guard let text = try await get(path),
              let document = try? JSONDecoder().decode(Document.self, from: Data(text.utf8))
        else {
            throw ClientError(.invalidResponse, service: "imds", operation: "GET \(path)",
                              message: "instance metadata has neither placement/region nor an identity document with a region")
        }
        return document.region
    }

    // MARK: - Session token

    private func sessionToken() async throws(ClientError) -> String {
        let current = now()
        let ttl = configuration.tokenTTL
        // A short TTL still leaves the token usable for half its life.
        let margin = min(tokenRefreshMargin, TimeInterval(ttl) / 2)
        if let token, token.expires.timeIntervalSince(current) > margin { return token.value }
        let response = try await send("PUT", "/latest/api/token", headers: [.init("X-aws-ec2-metadata-token-ttl-seconds", String(ttl))])
        guard response.isSuccess, !response.body.isEmpty else {
            throw ClientError(.service, service: "imds", operation: "PUT /latest/api/token", statusCode: response.status,
                              message: "IMDSv2 refused a session token (HTTP \(response.status)); IMDSv1 is never used. "
                                  + "Check the instance's metadata options (HttpTokens, HttpPutResponseHopLimit ≥ 2 in containers)")
        }
        let value = String(decoding: response.body, as: UTF8.self)
        let answeredTTL = response.header("X-aws-ec2-metadata-token-ttl-seconds").flatMap { Int($0) } ?? ttl
        token = (value, current.addingTimeInterval(TimeInterval(min(ttl, answeredTTL))))
        return value
    }

    private func send(_ method: String, _ path: String, headers: [HTTPRequest.Header]) async throws(ClientError) -> HTTPResponse {
        let request = HTTPRequest(method: method, url: configuration.endpoint + path, headers: headers, timeout: timeout)
        let transport = transport
        return try await RetryPolicy.metadata.run(.idempotent, clock: ContinuousClock()) { () async throws(ClientError) -> HTTPResponse in
            let response = try await transport.send(request, service: "imds", operation: "\(method) \(path)")
            // IMDS throttles with 429 and has transient 5xx: let the policy retry them.
            if response.status == 429 || response.status >= 500 {
                throw ClientError(.service, service: "imds", operation: "\(method) \(path)", statusCode: response.status,
                                  message: "instance metadata answered HTTP \(response.status)")
            }
            return response
        }
    }
}
