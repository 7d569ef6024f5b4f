import Foundation
import RanchhandClients

enum KubernetesErrors {
    /// A non-2xx answer as a `ClientError`: the Kubernetes `Status` (reason as `code`); through
    /// Rancher's proxy, Rancher's own error body (an expired token, `ClusterUnavailable`); otherwise
    /// the status and the start of the body.
    @Sendable static func parse(_ response: HTTPResponse, operation: String) -> ClientError {
        if let status = status(in: response), status.reason != nil || status.message != nil {
            return ClientError(.service, service: "kubernetes", operation: operation, statusCode: response.status,
                               code: status.reason, message: status.message ?? "", requestID: response.header("Audit-Id"))
        }
        var error = RancherErrors.parse(response, operation: operation)
        error.service = "kubernetes"
        return error
    }

    static func status(in response: HTTPResponse) -> KubernetesStatus? {
        try? JSONDecoder().decode(KubernetesStatus.self, from: Data(response.body))
    }
}
