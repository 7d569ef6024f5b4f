import RanchhandClients
import RanchhandEvents

/// Kubernetes JSON for the fake API server, in the shapes of the real API (the Ingress follows the
/// upstream round-trip fixture in `Tests/Fixtures/kubernetes`).
extension SandboxWorld {
    func metadata(name: String, namespace: String?, uid: String, resourceVersion: Int, labels: [String: String] = [:],
                  annotations: [String: String] = [:]) -> [String: JSONValue] {
        var object: [String: JSONValue] = [
            "name": .string(name), "uid": .string(uid), "resourceVersion": .string(String(resourceVersion)),
            "creationTimestamp": .string(SandboxDates.rfc3339(clock.startDate)),
        ]
        if let namespace { object["namespace"] = .string(namespace) }
        if !labels.isEmpty { object["labels"] = .strings(labels) }
        if !annotations.isEmpty { object["annotations"] = .strings(annotations) }
        return object
    }

    func renderKubernetesNode(_ node: SandboxNode) -> JSONValue {
        var spec: [String: JSONValue] = ["podCIDR": .string("10.42.0.0/24"), "providerID": .string(node.providerID)]
        if node.unschedulable {
            spec["unschedulable"] = .bool(true)
            spec["taints"] = .array([.object(["key": .string("node.kubernetes.io/unschedulable"), "effect": .string("NoSchedule")])])
        }
        var addresses: [JSONValue] = [.object(["type": .string("InternalIP"), "address": .string(node.ipAddress)])]
        if !node.externalIPAddress.isEmpty { addresses.append(.object(["type": .string("ExternalIP"), "address": .string(node.externalIPAddress)])) }
        addresses.append(.object(["type": .string("Hostname"), "address": .string(node.hostname)]))
        return .object([
            "kind": .string("Node"), "apiVersion": .string("v1"),
            "metadata": .object(metadata(name: node.nodeName, namespace: nil, uid: node.uuid, resourceVersion: revision,
                                         labels: node.labels, annotations: node.annotations)),
            "spec": .object(spec),
            "status": .object([
                "addresses": .array(addresses),
                "conditions": .array([.object(["type": .string("Ready"), "status": .string(node.ready ? "True" : "Unknown"),
                                               "reason": .string(node.ready ? "KubeletReady" : "NodeStatusUnknown")])]),
                "nodeInfo": .object(["kubeletVersion": .string(clusters[node.clusterID]?.kubernetesVersion ?? "")]),
            ]),
        ])
    }

    func renderPod(_ pod: SandboxPod) -> JSONValue {
        var meta = metadata(name: pod.name, namespace: pod.namespace, uid: "pod-\(pod.namespace)-\(pod.name)", resourceVersion: revision, labels: pod.labels,
                            annotations: pod.annotations)
        if let owner = pod.ownerKind {
            meta["ownerReferences"] = .array([.object([
                "apiVersion": .string("apps/v1"), "kind": .string(owner), "name": .string(pod.name.split(separator: "-").dropLast().joined(separator: "-")),
                "uid": .string("owner-\(pod.name)"), "controller": .bool(true), "blockOwnerDeletion": .bool(true),
            ])])
        }
        var spec: [String: JSONValue] = ["nodeName": .string(pod.nodeName)]
        if pod.usesEmptyDir { spec["volumes"] = .array([.object(["name": .string("scratch"), "emptyDir": .object([:])])]) }
        return .object(["kind": .string("Pod"), "apiVersion": .string("v1"), "metadata": .object(meta), "spec": .object(spec),
                        "status": .object(["phase": .string(pod.phase)])])
    }

    func renderIngress(_ ingress: SandboxIngress) -> JSONValue {
        let backend: JSONValue = .object(["service": .object(["name": .string(ingress.name), "port": .object(["number": .int(80)])])])
        let rules: [JSONValue] = ingress.hosts.map { host in
            .object(["host": .string(host), "http": .object(["paths": .array([.object([
                "path": .string("/"), "pathType": .string("Prefix"), "backend": backend,
            ])])])])
        }
        var spec: [String: JSONValue] = ["rules": .array(rules)]
        if let className = ingress.ingressClassName { spec["ingressClassName"] = .string(className) }
        if !ingress.tlsHosts.isEmpty {
            spec["tls"] = .array([.object(["hosts": .array(ingress.tlsHosts.map(JSONValue.string)), "secretName": .string("\(ingress.name)-tls")])])
        }
        let balancers: [JSONValue] = ingress.loadBalancerIPs.map { .object(["ip": .string($0)]) }
            + ingress.loadBalancerHostnames.map { .object(["hostname": .string($0)]) }
        var meta = metadata(name: ingress.name, namespace: ingress.namespace, uid: ingress.uid, resourceVersion: ingress.resourceVersion,
                            labels: ingress.labels, annotations: ingress.annotations)
        meta["generation"] = .int(1)
        return .object([
            "kind": .string("Ingress"), "apiVersion": .string("networking.k8s.io/v1"), "metadata": .object(meta), "spec": .object(spec),
            "status": .object(["loadBalancer": balancers.isEmpty ? .object([:]) : .object(["ingress": .array(balancers)])]),
        ])
    }

    func renderScale(_ deployment: SandboxDeployment) -> JSONValue {
        .object([
            "kind": .string("Scale"), "apiVersion": .string("autoscaling/v1"),
            "metadata": .object(metadata(name: deployment.name, namespace: deployment.namespace, uid: "deploy-\(deployment.name)",
                                         resourceVersion: deployment.resourceVersion)),
            "spec": .object(["replicas": .int(deployment.replicas)]),
            "status": .object(["replicas": .int(deployment.replicas),
                               "selector": .string(deployment.selector.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","))]),
        ])
    }
}
