import ArgumentParser
import Foundation
import RanchhandClients
import RanchhandEvents
import RanchhandHandlers
import RanchhandHTTP

extension CapacityWiring {
    /// Deployment targets are reached through Rancher's Kubernetes proxy, one client per cluster id.
    func kubernetesAccess(needed: Bool) async throws -> @Sendable (String) async throws(CapacityError) -> any KubernetesClient {
        guard needed else {
            return { (cluster) throws(CapacityError) -> any KubernetesClient in
                throw .target("cluster \(cluster): no Rancher client was configured")
            }
        }
        guard let url = options.rancherURL ?? environment["RANCHER_URL"] else {
            throw ValidationError("a Deployment target needs Rancher: pass --rancher-url or set RANCHER_URL")
        }
        let trust: RancherTrustMode = (options.rancherCAChecksum ?? environment["RANCHER_CA_CHECKSUM"]).map { .caChecksum($0) } ?? .system
        let rancher = LiveRancherClient(configuration: RancherConfiguration(baseURL: url, token: RancherAPIToken(try await rancherToken()), trust: trust),
                                        transport: transport, logger: logger)
        let tlsTrust = try await rancher.resolvedTrust()
        let transport = transport
        let logger = logger
        return { (cluster) throws(CapacityError) -> any KubernetesClient in
            LiveKubernetesClient(configuration: .throughRancher(rancher.configuration, cluster: RancherClusterID(cluster), trust: tlsTrust),
                                 transport: transport, logger: logger)
        }
    }

    private func rancherToken() async throws -> String {
        let parameter = options.rancherTokenParameter ?? environment["RANCHER_TOKEN_PARAMETER"]
            ?? (environment["RANCHER_TOKEN"] == nil ? environment["RANCHHAND_SSM_PREFIX"].map { $0 + "rancher-token" } : nil)
        if let parameter {
            return try await LiveSSMClient(sender: try await aws()).getParameter(parameter, decrypt: true).value
        }
        guard let token = environment["RANCHER_TOKEN"], !token.isEmpty else {
            throw ValidationError("a Deployment target needs a Rancher API token: RANCHER_TOKEN or --rancher-token-parameter (an SSM SecureString)")
        }
        return token
    }
}
