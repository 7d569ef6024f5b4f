import Foundation
import RanchhandClients
import RanchhandEvents

extension LiveKubernetesClient {
    // MARK: Ingresses

    public func ingresses(namespace: String?) async throws(ClientError) -> IngressList {
        // A `continue` token can expire mid-list (410): start the list again, a few times at most.
        var attempts = 0
        while true {
            do {
                let list = try await list(Ingress.self, Self.ingressPath(namespace), query: [])
                return IngressList(resourceVersion: list.metadata.resourceVersion ?? "", items: list.items)
            } catch where error.statusCode == 410 && attempts < 3 {
                attempts += 1
            }
        }
    }

    /// The transport returns whole bodies, so a watch is one bounded request: `timeoutSeconds` makes
    /// the server end the stream, and the complete body is then split into its JSON lines. With a
    /// real API server the call takes about `timeoutSeconds`; callers use it as their polling cadence.
    public func watchIngresses(namespace: String?, from resourceVersion: String, timeoutSeconds: Int) async throws(ClientError) -> IngressWatchBatch {
        let path = Self.ingressPath(namespace)
        let query = URLEncoding.query([
            ("watch", "1"), ("resourceVersion", resourceVersion), ("allowWatchBookmarks", "true"), ("timeoutSeconds", String(max(1, timeoutSeconds))),
        ])
        let operation = "GET \(path)?watch=1"
        var watchAPI = api
        watchAPI.timeout = .seconds(max(1, timeoutSeconds)) + .seconds(15)
        let response = try await watchAPI.send("GET", path + "?" + query, idempotency: .idempotent, operation: operation, passing: [410])
        if response.status == 410 { return IngressWatchBatch(events: [], resourceVersion: resourceVersion, expired: true) }
        return try WatchStream.events(in: response.body, from: resourceVersion, operation: operation)
    }

    static func ingressPath(_ namespace: String?) -> String {
        guard let namespace else { return "/apis/networking.k8s.io/v1/ingresses" }
        return "/apis/networking.k8s.io/v1/namespaces/\(URLEncoding.pathSegment(namespace))/ingresses"
    }

    // MARK: Pods and evictions

    public func pods(onNode name: KubernetesNodeName) async throws(ClientError) -> [Pod] {
        // The field selector is matched again here, like every server-side filter we rely on.
        try await list(Pod.self, "/api/v1/pods", query: [("fieldSelector", "spec.nodeName=\(name.rawValue)")])
            .items.filter { $0.nodeName == name.rawValue }
    }

    public func evict(_ pod: NamespacedName, options: EvictionOptions) async throws(ClientError) -> EvictionOutcome {
        let path = "/api/v1/namespaces/\(URLEncoding.pathSegment(pod.namespace))/pods/\(URLEncoding.pathSegment(pod.name))/eviction"
        let operation = "POST \(path)"
        var deleteOptions: [String: JSONValue] = [:]
        if let grace = options.gracePeriodSeconds { deleteOptions["gracePeriodSeconds"] = .number(Double(grace)) }
        if options.dryRun { deleteOptions["dryRun"] = .array([.string("All")]) }
        let eviction: JSONValue = .object([
            "apiVersion": .string("policy/v1"), "kind": .string("Eviction"),
            "metadata": .object(["name": .string(pod.name), "namespace": .string(pod.namespace)]),
            "deleteOptions": .object(deleteOptions),
        ])
        // A disruption-budget 429 is passed through untouched: the caller decides when to ask again.
        // Any other 429 (API priority and fairness) is throttling, and retried by the policy.
        let response = try await api.send(
            "POST", path, body: try api.encode(eviction, operation: operation), idempotency: .idempotent, operation: operation,
            passing: [404], passIf: { $0.status == 429 && KubernetesErrors.status(in: $0)?.isDisruptionBudgetRefusal == true })
        switch response.status {
        case 404: return .alreadyGone
        case 429: return .blockedByDisruptionBudget(message: KubernetesErrors.status(in: response)?.message ?? "disruption budget")
        default: return .evicted
        }
    }
}

/// Splits a complete watch body (newline-delimited `{"type":…,"object":…}`) into events.
enum WatchStream {
    struct Head: Decodable { var type: String }
    struct Event<Object: Decodable>: Decodable { var object: Object }
    struct Bookmark: Decodable {
        struct Metadata: Decodable { var resourceVersion: String }
        struct Object: Decodable { var metadata: Metadata }
        var object: Object
    }

    static func events(in body: [UInt8], from resourceVersion: String, operation: String) throws(ClientError) -> IngressWatchBatch {
        var batch = IngressWatchBatch(events: [], resourceVersion: resourceVersion, expired: false)
        let lines = body.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
        let decoder = JSONDecoder()
        for (index, line) in lines.enumerated() {
            let data = Data(line)
            guard let head = try? decoder.decode(Head.self, from: data) else {
                // A last line cut off when the stream ended is dropped: the next watch resumes before it.
                if index == lines.count - 1, body.last != UInt8(ascii: "\n") { break }
                throw ClientError(.invalidResponse, service: "kubernetes", operation: operation, statusCode: 200,
                                  message: "unreadable watch event: \(String(decoding: line.prefix(200), as: UTF8.self))")
            }
            do {
                switch head.type {
                case "ADDED", "MODIFIED", "DELETED":
                    let ingress = try decoder.decode(Event<Ingress>.self, from: data).object
                    batch.events.append(head.type == "ADDED" ? .added(ingress) : head.type == "MODIFIED" ? .modified(ingress) : .deleted(ingress))
                    if let version = ingress.metadata.resourceVersion { batch.resourceVersion = version }
                case "BOOKMARK":
                    let version = try decoder.decode(Bookmark.self, from: data).object.metadata.resourceVersion
                    batch.events.append(.bookmark(resourceVersion: version))
                    batch.resourceVersion = version
                case "ERROR":
                    let status = try decoder.decode(Event<KubernetesStatus>.self, from: data).object
                    if status.code == 410 || status.reason == "Gone" || status.reason == "Expired" {
                        batch.expired = true
                        return batch
                    }
                    throw ClientError(.service, service: "kubernetes", operation: operation, statusCode: status.code,
                                      code: status.reason, message: status.message ?? "watch error")
                default:
                    throw ClientError(.invalidResponse, service: "kubernetes", operation: operation, statusCode: 200,
                                      message: "unknown watch event type \(head.type)")
                }
            } catch let error as ClientError {
                throw error
            } catch {
                throw ClientError(.invalidResponse, service: "kubernetes", operation: operation, statusCode: 200,
                                  message: "unreadable \(head.type) watch event: \(error)")
            }
        }
        return batch
    }
}
