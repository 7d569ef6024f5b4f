import Crypto
import Foundation
import Logging
import RanchhandClients

/// Rancher's CA checksum: SHA-256 of the `cacerts` setting's value with exactly one trailing
/// newline, lowercase hex (`pkg/systemtemplate/import.go`; the agent's `jq -r … | sha256sum`).
public enum RancherCAChecksum {
    public static func of(caCertificates value: String) -> String {
        let text = value.hasSuffix("\n") ? value : value + "\n"
        return SHA256.hash(data: Array(text.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
    }
}

/// Resolves the TLS trust for Rancher once per client and remembers it; concurrent first calls
/// share one resolution.
actor RancherTrustPin {
    private var resolved: TLSTrust?
    private var inFlight: Task<TLSTrust, any Error>?

    func trust(_ resolve: @escaping @Sendable () async throws(ClientError) -> TLSTrust) async throws(ClientError) -> TLSTrust {
        if let resolved { return resolved }
        let task = inFlight ?? Task { () async throws -> TLSTrust in try await resolve() }
        inFlight = task
        do {
            let trust = try await task.value
            resolved = trust
            return trust
        } catch {
            inFlight = nil
            throw (error as? ClientError)
                ?? ClientError(.configuration, service: "rancher", operation: "TLS trust", message: "\(error)")
        }
    }

    /// The pinning step of `RancherTrustMode.caChecksum`. The CA is fetched the way the agent does
    /// (`curl --insecure`), so the request carries no credentials: only the checksum makes the
    /// answer trustworthy, and nothing secret is sent before it has been checked.
    static func pinnedCA<C: Clock & Sendable>(
        expected: String, configuration: RancherConfiguration, transport: any HTTPTransport, clock: C,
        unitRandom: @escaping @Sendable () -> Double, logger: Logger
    ) async throws(ClientError) -> TLSTrust where C.Duration == Duration {
        let operation = "GET /v3/settings/cacerts"
        let request = HTTPRequest(
            method: "GET", url: configuration.baseURL + "/v3/settings/cacerts",
            headers: [.init("User-Agent", configuration.userAgent), .init("Accept", "application/json")],
            timeout: configuration.requestTimeout, trust: .insecureNoVerification)
        let response = try await configuration.retryPolicy.run(.idempotent, clock: clock, unitRandom: unitRandom) { () async throws(ClientError) -> HTTPResponse in
            let response = try await transport.send(request, service: "rancher", operation: operation)
            guard response.isSuccess else { throw RancherErrors.parse(response, operation: operation) }
            return response
        }
        let setting = try JSONBody.decode(RancherSetting.self, from: response, service: "rancher", operation: operation)
        let actual = RancherCAChecksum.of(caCertificates: setting.value)
        let wanted = expected.lowercased().trimmingCharacters(in: .whitespacesAndNewlines)
        guard setting.value.contains("BEGIN CERTIFICATE") else {
            throw ClientError(.configuration, service: "rancher", operation: operation,
                              message: "\(configuration.baseURL) serves no private CA in /v3/settings/cacerts, but a CA checksum was configured: "
                                  + "drop the checksum to use the system trust store, or check the server URL")
        }
        guard actual == wanted else {
            throw ClientError(.configuration, service: "rancher", operation: operation,
                              message: "the CA served by \(configuration.baseURL) has checksum \(actual), not the configured \(wanted): "
                                  + "refusing to send anything to it (wrong server, a rotated CA, or someone in between)")
        }
        logger.info("pinned Rancher CA by checksum", metadata: ["checksum": "\(actual)"])
        return .only(pemBundle: setting.value)
    }
}
