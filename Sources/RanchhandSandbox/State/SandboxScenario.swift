import RanchhandClients

extension SandboxWorld {
    public static let standardRKE1Cluster = RancherClusterID("c-d8f82")
    public static let standardRKE2Cluster = RancherClusterID("c-m-4xkq7zp2")

    /// A ready-made world for the demo and for manual use:
    /// - `c-d8f82` "home" (RKE1 custom): `cp-1…3` etcd + control plane, `worker-1…3`;
    /// - `c-m-4xkq7zp2` "edge" (RKE2, Machines in `fleet-default`): `edge-cp-1…3` etcd + control
    ///   plane, `edge-worker-1…2` with the AWS provider ID;
    /// and in "edge": a `web` Deployment (3 pods, a budget of minAvailable 2), a DaemonSet pod per
    /// node, and two Ingresses behind a load balancer. Every node carries `ranchhand.io/instance-id`.
    public func loadStandardScenario() {
        let home = Self.standardRKE1Cluster
        addCluster(id: home, name: "home", distro: .rke1)
        for index in 1...3 {
            addNode(SandboxNodeSpec(name: "cp-\(index)", roles: [.etcd, .controlPlane], ipAddress: "10.0.1.\(10 + index)",
                                    instanceID: "i-0a1b2c3d4e5f6000\(index)"), to: home)
            addNode(SandboxNodeSpec(name: "worker-\(index)", roles: .worker, ipAddress: "10.0.1.\(20 + index)",
                                    instanceID: "i-0a1b2c3d4e5f6010\(index)"), to: home)
        }
        let edge = Self.standardRKE2Cluster
        addCluster(id: edge, name: "edge", distro: .rke2)
        var workers: [String] = []
        for index in 1...3 {
            addNode(SandboxNodeSpec(name: "edge-cp-\(index)", roles: [.etcd, .controlPlane], ipAddress: "10.0.2.\(10 + index)",
                                    instanceID: "i-0e1d2c3b4a5f6000\(index)", awsProviderID: true), to: edge)
        }
        for index in 1...2 {
            let name = "edge-worker-\(index)"
            workers.append(name)
            addNode(SandboxNodeSpec(name: name, roles: .worker, ipAddress: "10.0.2.\(20 + index)", instanceID: "i-0e1d2c3b4a5f6010\(index)",
                                    awsProviderID: true), to: edge)
        }
        putDeployment(SandboxDeployment(name: "web", replicas: 3, selector: ["app": "web"]), in: edge)
        addDisruptionBudget(SandboxDisruptionBudget(name: "web", matchLabels: ["app": "web"], minAvailable: 2), in: edge)
        for index in 0..<3 {
            addPod(SandboxPod(name: "web-7d4b9c-\(index)", nodeName: workers[index % workers.count], labels: ["app": "web"]), in: edge)
        }
        for node in nodes(in: edge) {
            addPod(SandboxPod(namespace: "kube-system", name: "canal-\(node.nodeName)", nodeName: node.nodeName, labels: ["k8s-app": "canal"],
                              ownerKind: "DaemonSet"), in: edge)
        }
        putIngress(SandboxIngress(name: "shop", hosts: ["shop.example.com"], tlsHosts: ["shop.example.com"],
                                  loadBalancerHostnames: ["k8s-ingress-1a2b3c.elb.eu-west-1.amazonaws.com"]), in: edge)
        putIngress(SandboxIngress(namespace: "tools", name: "grafana", hosts: ["grafana.example.com"],
                                  loadBalancerHostnames: ["k8s-ingress-1a2b3c.elb.eu-west-1.amazonaws.com"],
                                  annotations: ["external-dns.kubernetes.io/ttl": "60"]), in: edge)
    }
}
