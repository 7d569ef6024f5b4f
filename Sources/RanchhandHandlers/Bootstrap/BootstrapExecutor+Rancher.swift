import Foundation
import RanchhandClients

extension BootstrapExecutor {
    /// A registration token fetched now (tokens rotate; none is ever baked into a launch template):
    /// the cluster's ready token, or a new one when that one expires within ten minutes (Rancher
    /// 2.15+ tokens have `expiresAt`). Its value is added to the redactor before anything else.
    func registrationToken() async throws(BootstrapError) -> String {
        guard runner.performsChanges else { return "" }
        guard let rancher = probe.rancher, let cluster = probe.clusterID else {
            throw BootstrapError(.configuration, "no Rancher connection to fetch a registration token with")
        }
        var token: ClusterRegistrationToken
        do {
            token = try await rancher.readyRegistrationToken(cluster: cluster, timeout: registrationTokenTimeout)
        } catch {
            throw BootstrapError(error.kind == .timeout ? .timeout : .rancher,
                                 "no usable registration token for \(cluster) within \(BootstrapProgress.seconds(registrationTokenTimeout)): \(error)")
        }
        if let expiry = Self.date(token.expiresAt), expiry < timing.now().addingTimeInterval(600) {
            progress.line("      registration token \(token.id) expires at \(token.expiresAt); creating a fresh one")
            token = try await newToken(rancher, cluster)
        }
        guard !token.token.isEmpty else { throw BootstrapError(.rancher, "registration token \(token.id) of \(cluster) has an empty value") }
        progress.redactor.add(token.token)
        logger.info("registration token fetched", metadata: ["token_id": "\(token.id)"])
        return token.token
    }

    private func newToken(_ rancher: any RancherClient, _ cluster: RancherClusterID) async throws(BootstrapError) -> ClusterRegistrationToken {
        let deadline = timing.now().addingTimeInterval(Self.seconds(registrationTokenTimeout))
        do {
            var token = try await rancher.createRegistrationToken(cluster: cluster)
            while !token.isReady {
                guard timing.now() < deadline else {
                    throw BootstrapError(.timeout, "Rancher had not filled in the new registration token \(token.id) after \(BootstrapProgress.seconds(registrationTokenTimeout))")
                }
                try? await timing.sleep(timing.pollInterval)
                guard let refreshed = try await rancher.registrationToken(id: token.id) else {
                    throw BootstrapError(.rancher, "the new registration token \(token.id) disappeared")
                }
                token = refreshed
            }
            return token
        } catch let error as BootstrapError {
            throw error
        } catch {
            throw BootstrapError(.rancher, "cannot create a registration token for \(cluster): \(error)")
        }
    }

    /// Polls the node carrying this instance's label until it is `active`.
    func waitForActiveNode(timeout: Duration) async throws(BootstrapError) -> RancherNode? {
        guard runner.performsChanges else {
            progress.line("      would wait up to \(BootstrapProgress.seconds(timeout)) for the node to become active")
            return try await probe.node()
        }
        let deadline = timing.now().addingTimeInterval(Self.seconds(timeout))
        var lastSeen = ""
        var lastError: BootstrapError?
        while true {
            do {
                let node = try await probe.node()
                lastError = nil
                let seen = node.map { "\($0.id) is \($0.state)" + ($0.transitioningMessage.isEmpty ? "" : " (\($0.transitioningMessage))") }
                    ?? "no node labelled \(JoinCommands.instanceIDLabel)=\(probe.instanceID) yet"
                if seen != lastSeen { progress.line("      \(seen)") }
                lastSeen = seen
                if let node, node.state == .active { return node }
            } catch {
                if lastError == nil { progress.line("      Rancher did not answer (\(error.message)); still waiting") }
                lastError = error
            }
            guard timing.now() < deadline else {
                let why = lastError.map { "Rancher did not answer: \($0.message)" } ?? lastSeen
                throw BootstrapError(.timeout, "the node did not become active within \(BootstrapProgress.seconds(timeout)): \(why). "
                                     + "On the host: `docker logs \(JoinCommands.agentContainerName)` (RKE1) or `journalctl -u rancher-system-agent` (RKE2/K3s)")
            }
            do {
                try await timing.sleep(timing.pollInterval)
            } catch {
                throw BootstrapError(.timeout, "cancelled while waiting for the node")
            }
        }
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func date(_ text: String) -> Date? {
        guard !text.isEmpty else { return nil }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
