import NIOSSL
import RanchhandClients

/// Which servers a request trusts. Rancher is commonly served with its own CA, which URLSession
/// on Linux cannot trust; NIOSSL can, per request.
public enum TLSTrust: Sendable, Equatable {
    /// The system's CA bundle.
    case systemRoots
    /// The system's CAs plus the ones in this PEM bundle.
    case systemRootsAnd(pemBundle: String)
    /// Exactly the CAs in this PEM bundle and no other (Rancher CA-checksum pinning).
    case only(pemBundle: String)
    /// No verification at all. Only when the user asked for `--insecure`; callers log it loudly.
    case insecureNoVerification

    func configuration(service: String) throws(ClientError) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        do {
            switch self {
            case .systemRoots:
                break
            case .systemRootsAnd(let pem):
                configuration.additionalTrustRoots = [.certificates(try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8)))]
            case .only(let pem):
                configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8)))
            case .insecureNoVerification:
                configuration.certificateVerification = .none
            }
        } catch {
            throw ClientError(.configuration, service: service, operation: "TLS setup",
                              message: "the CA bundle is not valid PEM: \(error)")
        }
        return configuration
    }
}
