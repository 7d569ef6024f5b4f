import RanchhandClients

/// A Rancher API token (`token-xxxxx:secret`). Its description never shows the secret.
public struct RancherAPIToken: Sendable, Equatable, CustomStringConvertible {
    public let value: String
    public init(_ value: String) { self.value = value }

    /// The token's name, safe to log.
    public var name: String { String(value.prefix { $0 != ":" }) }
    public var description: String { "\(name):<redacted>" }
}

/// How ranchhand trusts the Rancher server's certificate.
public enum RancherTrustMode: Sendable, Equatable {
    /// The system CA bundle (Rancher behind a publicly trusted certificate).
    case system
    /// The system CAs plus this PEM bundle.
    case caBundle(pem: String)
    /// Rancher's own agent procedure: fetch `/v3/settings/cacerts` without verification and without
    /// credentials, check the SHA-256 of its `value` (plus a trailing newline) against this hex
    /// checksum, then trust exactly that CA for every later request. A mismatch stops the client
    /// before any authenticated request is sent.
    case caChecksum(String)
    /// No verification at all, only when the user asked (`--insecure`); logged loudly.
    case insecure
}

/// Everything the live Rancher client needs, parsed once by the executable.
public struct RancherConfiguration: Sendable {
    /// `https://rancher.example.com` (a path prefix is allowed; no trailing slash needed).
    public var baseURL: String
    public var token: RancherAPIToken
    /// What requests send: `token`, replaced by a re-read after a 401 when the configuration has one.
    public var tokenSource: BearerTokenSource
    public var trust: RancherTrustMode
    /// Never a browser's: a `mozilla` User-Agent makes Rancher demand a CSRF token on writes.
    public var userAgent: String
    public var requestTimeout: Duration
    public var retryPolicy: RetryPolicy
    /// `limit=` sent on collection requests; nil leaves Rancher's default (1000).
    public var pageLimit: Int?
    /// How often `readyRegistrationToken` re-reads a token whose commands are still empty.
    public var registrationPollInterval: Duration

    public init(
        baseURL: String, token: RancherAPIToken, trust: RancherTrustMode = .system, userAgent: String = "ranchhand/1.0",
        requestTimeout: Duration = .seconds(60), retryPolicy: RetryPolicy = .standard, pageLimit: Int? = nil,
        registrationPollInterval: Duration = .seconds(3), tokenReread: (@Sendable () async throws(ClientError) -> String)? = nil
    ) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.token = token
        self.tokenSource = BearerTokenSource(token.value, reread: tokenReread)
        self.trust = trust
        self.userAgent = userAgent.lowercased().contains("mozilla") ? "ranchhand/1.0" : userAgent
        self.requestTimeout = requestTimeout
        self.retryPolicy = retryPolicy
        self.pageLimit = pageLimit
        self.registrationPollInterval = registrationPollInterval
    }
}
