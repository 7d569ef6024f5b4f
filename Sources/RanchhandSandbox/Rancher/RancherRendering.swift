#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RanchhandClients
import RanchhandEvents

/// The v3 JSON of each resource, shaped field for field like the recorded Rancher responses
/// (`Tests/Fixtures/rancher`), which a test checks.
extension SandboxWorld {
    func render(_ node: SandboxNode, origin: String) -> JSONValue {
        let created = clock.date(at: node.created)
        let selfURL = "\(origin)/v3/nodes/\(node.id)"
        var links: [String: String] = ["self": selfURL, "update": selfURL]
        // Rancher drops `remove` for nodes with neither a node template nor a customConfig (v2prov).
        if node.hasCustomConfig { links["remove"] = selfURL }
        let actions = Dictionary(uniqueKeysWithValues: node.offeredActions.map { ($0.rawValue, "\(selfURL)?action=\($0.rawValue)") })
        let version = clusters[node.clusterID]?.kubernetesVersion ?? "v1.30.4"
        let state = node.state
        var object: [String: JSONValue] = [
            "actions": .strings(actions), "links": .strings(links), "annotations": .strings(node.annotations), "labels": .strings(node.labels),
            "baseType": .string("node"), "type": .string("node"), "id": .string(node.id.rawValue), "uuid": .string(node.uuid),
            "clusterId": .string(node.clusterID.rawValue), "namespaceId": .null, "creatorId": .null,
            "created": .string(SandboxDates.rfc3339(created)), "createdTS": .int(SandboxDates.milliseconds(created)),
            "name": .string(""), "nodeName": .string(node.nodeName), "hostname": .string(node.hostname),
            "requestedHostname": .string(node.nodeName), "ipAddress": .string(node.ipAddress),
            "externalIpAddress": .string(node.externalIPAddress), "providerId": .string(node.providerID),
            "etcd": .bool(node.roles.contains(.etcd)), "controlPlane": .bool(node.roles.contains(.controlPlane)),
            "worker": .bool(node.roles.contains(.worker)), "imported": .bool(!node.hasCustomConfig),
            "state": .string(state.rawValue), "unschedulable": .bool(node.unschedulable),
            "transitioning": .string(state == .error ? "error" : [.removing, .draining].contains(state) ? "yes" : "no"),
            "transitioningMessage": .string(transitioningMessage(node)),
            "conditions": .array(conditions(node, at: created)), "nodePoolId": .string(""), "nodeTemplateId": .null,
            "podCidr": .string("10.42.\(node.nodeName.utf8.reduce(0) { ($0 + Int($1)) % 200 }).0/24"), "publicEndpoints": .array([]),
            "allocatable": .strings(["cpu": "2", "ephemeral-storage": "48294789041", "memory": "7934460Ki", "pods": "110"]),
            "capacity": .strings(["cpu": "2", "ephemeral-storage": "50620216Ki", "memory": "8036860Ki", "pods": "110"]),
            "requested": .strings(["cpu": "350m", "memory": "140Mi", "pods": "6"]), "limits": .strings(["cpu": "100m", "memory": "190Mi"]),
            "info": .object([
                "cpu": .object(["count": .int(2)]), "memory": .object(["memTotalKiB": .int(8_036_860)]),
                "kubernetes": .object(["kubeletVersion": .string(version), "kubeProxyVersion": .string(version)]),
                "os": .object(["kernelVersion": .string("6.1.0-28-cloud-amd64"), "operatingSystem": .string("Debian GNU/Linux 12 (bookworm)")]),
            ]),
        ]
        if node.hasCustomConfig {
            object["customConfig"] = .object(["address": .string(node.ipAddress), "type": .string("/v3/schemas/customConfig")])
            object["sshUser"] = .string("root")
        }
        return .object(object)
    }

    private func transitioningMessage(_ node: SandboxNode) -> String {
        switch node.drain {
        case .running: "Draining node"
        case .failed(let message): message
        default: node.removalCompletes != nil ? "waiting on node-controller" : ""
        }
    }

    private func conditions(_ node: SandboxNode, at created: Date) -> [JSONValue] {
        let heartbeat = clock.currentDate
        var list: [JSONValue] = [
            .object(["status": .string("True"), "type": .string("Initialized")]),
            .object(["message": .string("registered with kubernetes"), "status": .string("True"), "type": .string("Registered")]),
            .object(["status": .string("True"), "type": .string("Provisioned")]),
            .object([
                "lastHeartbeatTime": .string(SandboxDates.rfc3339(heartbeat)), "lastHeartbeatTimeTS": .int(SandboxDates.milliseconds(heartbeat)),
                "lastTransitionTime": .string(SandboxDates.rfc3339(created)), "lastTransitionTimeTS": .int(SandboxDates.milliseconds(created)),
                "message": .string(node.ready ? "kubelet is posting ready status" : "Kubelet stopped posting node status."),
                "reason": .string(node.ready ? "KubeletReady" : "NodeStatusUnknown"),
                "status": .string(node.ready ? "True" : "Unknown"), "type": .string("Ready"),
            ]),
        ]
        switch node.drain {
        case .running: list.append(.object(["status": .string("Unknown"), "type": .string("Drained")]))
        case .succeeded: list.append(.object(["status": .string("True"), "type": .string("Drained")]))
        case .failed(let message): list.append(.object(["message": .string(message), "status": .string("False"), "type": .string("Drained")]))
        case nil: break
        }
        if node.removalCompletes != nil { list.append(.object(["status": .string("Unknown"), "type": .string("Removed")])) }
        return list
    }

    func render(_ cluster: SandboxCluster, origin: String) -> JSONValue {
        let selfURL = "\(origin)/v3/clusters/\(cluster.id)"
        let members = nodes.values.filter { $0.clusterID == cluster.id }.sorted { $0.id.rawValue < $1.id.rawValue }
        let version = cluster.kubernetesVersion
        let numbers = version.dropFirst().split(separator: ".")
        var spec: [String: JSONValue] = ["displayName": .string(cluster.name), "description": .string(""), "internal": .bool(false),
                                         "desiredAgentImage": .string(""), "type": .string("/v3/schemas/clusterSpec")]
        var object: [String: JSONValue] = [
            "actions": .strings(["generateKubeconfig": "\(selfURL)?action=generateKubeconfig", "importYaml": "\(selfURL)?action=importYaml",
                                 "exportYaml": "\(selfURL)?action=exportYaml"]),
            "links": .strings(["self": selfURL, "update": selfURL, "remove": selfURL, "nodes": "\(selfURL)/nodes",
                               "clusterRegistrationTokens": "\(selfURL)/clusterregistrationtokens"]),
            "agentImage": .string("rancher/rancher-agent:\(behaviour.serverVersion)"), "desiredAgentImage": .string(""),
            "annotations": .strings([:]), "labels": .strings(["provider.cattle.io": cluster.distro == .rke1 ? "rke" : cluster.distro.rawValue]),
            "apiEndpoint": .string("https://\(members.first { $0.roles.contains(.controlPlane) }?.ipAddress ?? "10.0.0.1"):6443"),
            "baseType": .string("cluster"), "type": .string("cluster"), "id": .string(cluster.id.rawValue), "name": .string(cluster.name),
            "caCert": .string(Self.base64(caPEM)), "created": .string(SandboxDates.rfc3339(clock.startDate)),
            "createdTS": .int(SandboxDates.milliseconds(clock.startDate)), "creatorId": .string("user-sandbox"), "description": .string(""),
            "driver": .string(cluster.distro == .rke1 ? "rancherKubernetesEngine" : cluster.distro.rawValue),
            "provider": .string(cluster.distro == .rke1 ? "rke" : cluster.distro.rawValue), "internal": .bool(false),
            "fleetWorkspaceName": .string("fleet-default"), "nodeCount": .int(members.count), "state": .string("active"),
            "transitioning": .string("no"), "transitioningMessage": .string(""), "uuid": .string("00a1e41d-9a73-11e8-932a-\(cluster.id.rawValue.utf8.count)"),
            "defaultClusterRoleForProjectMembers": .null, "defaultPodSecurityPolicyTemplateId": .null,
            "conditions": .array([.object(["lastUpdateTime": .string(SandboxDates.rfc3339(clock.startDate)), "status": .string("True"), "type": .string("Ready")])]),
            "allocatable": .strings(["cpu": "\(2 * members.count)", "pods": "\(110 * members.count)"]),
            "capacity": .strings(["cpu": "\(2 * members.count)", "pods": "\(110 * members.count)"]),
            "version": .object(["gitVersion": .string(version), "major": .string(String(numbers.first ?? "1")),
                                "minor": .string(String(numbers.dropFirst().first ?? "0")), "platform": .string("linux/amd64"),
                                "type": .string("/v3/schemas/info")]),
        ]
        if cluster.distro == .rke1 {
            // RKE1 keeps its hosts (and so its etcd members) in the RKE config; a deleted etcd node leaves it.
            let hosts: [JSONValue] = members.map { node in
                var roles: [JSONValue] = []
                if cluster.etcdMembers.contains(node.nodeName) { roles.append(.string("etcd")) }
                if node.roles.contains(.controlPlane) { roles.append(.string("controlplane")) }
                if node.roles.contains(.worker) { roles.append(.string("worker")) }
                return .object(["address": .string(node.ipAddress), "hostnameOverride": .string(node.nodeName), "nodeId": .string(node.id.rawValue),
                                "port": .string("22"), "role": .array(roles), "sshAgentAuth": .bool(false),
                                "type": .string("/v3/schemas/rkeConfigNode"), "user": .string("root")])
            }
            let engine: [String: JSONValue] = ["kubernetesVersion": .string(version + "-rancher1-1"), "type": .string("/v3/schemas/rancherKubernetesEngineConfig"),
                                               "sshAgentAuth": .bool(false), "ignoreDockerVersion": .bool(true)]
            object["rancherKubernetesEngineConfig"] = .object(engine)
            spec["rancherKubernetesEngineConfig"] = .object(engine.merging(["nodes": .array(hosts)]) { $1 })
        }
        object["appliedSpec"] = .object(spec)
        return .object(object)
    }

    static func base64(_ text: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        let bytes = Array(text.utf8)
        var out = ""
        for chunk in stride(from: 0, to: bytes.count, by: 3) {
            let slice = Array(bytes[chunk..<min(chunk + 3, bytes.count)]) + [0, 0]
            let value = (UInt32(slice[0]) << 16) | (UInt32(slice[1]) << 8) | UInt32(slice[2])
            let count = min(3, bytes.count - chunk)
            for index in 0..<4 {
                out.append(index <= count ? alphabet[Int((value >> (18 - 6 * UInt32(index))) & 63)] : "=")
            }
        }
        return out
    }
}
