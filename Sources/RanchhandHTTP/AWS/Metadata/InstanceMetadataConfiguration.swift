import RanchhandClients

/// Where IMDS is and whether it may be used, from the SDK variables:
/// `AWS_EC2_METADATA_DISABLED=true` turns it off, `AWS_EC2_METADATA_SERVICE_ENDPOINT` moves it
/// (tests, the sandbox), `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6` picks the IPv6 address.
public struct InstanceMetadataConfiguration: Sendable, Equatable {
    public static let ipv4Endpoint = "http://169.254.169.254"
    public static let ipv6Endpoint = "http://[fd00:ec2::254]"

    public var endpoint: String
    public var isDisabled: Bool
    /// Seconds the session token is asked to live (IMDS allows 1...21600).
    public var tokenTTL: Int

    public init(endpoint: String = ipv4Endpoint, isDisabled: Bool = false, tokenTTL: Int = 21_600) {
        self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        self.isDisabled = isDisabled
        self.tokenTTL = min(21_600, max(1, tokenTTL))
    }

    public init(environment: [String: String]) {
        let ipv6 = environment["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"]?.lowercased() == "ipv6"
        let endpoint = environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (ipv6 ? Self.ipv6Endpoint : Self.ipv4Endpoint)
        self.init(endpoint: endpoint, isDisabled: environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() == "true")
    }
}

extension RetryPolicy {
    /// Link-local endpoints (IMDS, container credentials) answer fast or not at all: a few quick tries.
    public static let metadata = RetryPolicy(maximumAttempts: 3, baseDelay: .milliseconds(100), maximumDelay: .seconds(1), maximumTotal: .seconds(15))
}
