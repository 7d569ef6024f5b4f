#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RanchhandClients
import RanchhandEvents

extension SandboxWorld {
    func tokenReply(_ request: SandboxRequest, _ parts: [String]) -> SandboxReply {
        switch (request.method, parts.count) {
        case ("GET", 2): return .json(200, tokenCollection(request))
        case ("GET", 3):
            guard let token = tokens[RegistrationTokenID(parts[2])] else { return notFound("clusterRegistrationToken", parts[2]) }
            return .json(200, render(token, request: request))
        case ("POST", 2):
            guard let body = try? JSONValue.parse(request.body), let cluster = body["clusterId"]?.stringValue, !cluster.isEmpty else {
                return .rancherError(422, "MissingRequired", "clusterId is required")
            }
            guard let token = createRegistrationToken(for: RancherClusterID(cluster)) else {
                return .rancherError(422, "InvalidReference", "Not found type: cluster id: \(cluster)")
            }
            return .json(201, render(token, request: request))
        default:
            return .rancherError(405, "MethodNotAllow", "Method \(request.method) not supported")
        }
    }

    func tokenCollection(_ request: SandboxRequest) -> JSONValue {
        let query = RancherCollectionQuery(resourceType: "clusterRegistrationToken", filterable: RancherCollectionQuery.tokenFields,
                                           unsupported: behaviour.unsupportedFilters, defaultLimit: behaviour.defaultPageLimit)
        return query.collection(tokens.values.map { render($0, request: request) }, request: request,
                                createURL: "\(request.origin)/v3/clusterregistrationtokens")
    }

    /// Commands are empty until `commandsReadyAt`; then they take the shapes Rancher writes
    /// (`clusterregistrationtoken/status.go`): the docker agent for RKE1 up to v2.11, otherwise
    /// system-agent-install.sh, with `--ca-checksum` because the sandbox's CA is private.
    func render(_ token: SandboxRegistrationToken, request: SandboxRequest) -> JSONValue {
        let server = serverURL(request)
        let ready = clock.now >= token.commandsReadyAt
        let manifest = "\(server)/v3/import/\(token.token)_\(token.clusterID).yaml"
        let checksum = caPEM.isEmpty ? "" : " --ca-checksum \(caChecksum)"
        let distro = clusters[token.clusterID]?.distro ?? .rke2
        let dockerEra = distro == .rke1 && Self.minor(of: behaviour.serverVersion) < 12
        let nodeCommand = dockerEra
            ? "sudo docker run -d --privileged --restart=unless-stopped --net=host -v /etc/kubernetes:/etc/kubernetes -v /var/run:/var/run "
                + "rancher/rancher-agent:\(behaviour.serverVersion) --server \(server) --token \(token.token)\(checksum)"
            : "curl -fL \(server)/system-agent-install.sh | sudo  sh -s - --server \(server) --label 'cattle.io/os=linux' --token \(token.token)\(checksum)"
        let created = clock.date(at: token.created)
        func filled(_ text: String) -> JSONValue { .string(ready ? text : "") }
        return .object([
            "baseType": .string("clusterRegistrationToken"), "type": .string("clusterRegistrationToken"), "id": .string(token.id.rawValue),
            "name": .string(token.name), "namespaceId": .string(token.clusterID.rawValue), "clusterId": .string(token.clusterID.rawValue),
            "state": .string("active"), "transitioning": .string("no"), "transitioningMessage": .string(""), "uuid": .string(token.name),
            "created": .string(SandboxDates.rfc3339(created)), "createdTS": .int(SandboxDates.milliseconds(created)), "creatorId": .null,
            "token": filled(token.token), "manifestUrl": filled(manifest), "command": filled("kubectl apply -f \(manifest)"),
            "insecureCommand": filled("curl --insecure -sfL \(manifest) | kubectl apply -f -"), "nodeCommand": filled(nodeCommand),
            "insecureNodeCommand": filled(dockerEra ? "" : nodeCommand.replacingFirst("curl -fL", with: "curl --insecure -fL")),
            "windowsNodeCommand": filled(""), "insecureWindowsNodeCommand": filled(""),
            "annotations": .strings([:]), "labels": .strings(["cattle.io/creator": "norman"]),
            "links": .strings(["self": "\(request.origin)/v3/clusterRegistrationTokens/\(token.id)"]), "actions": .object([:]),
        ])
    }

    static func minor(of version: String) -> Int {
        let parts = version.drop { $0 == "v" }.split(separator: ".")
        return parts.count > 1 ? Int(parts[1]) ?? 0 : 0
    }
}

extension String {
    fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
