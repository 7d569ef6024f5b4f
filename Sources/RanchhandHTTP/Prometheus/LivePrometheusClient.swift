import Foundation
import Logging
import RanchhandClients
import RanchhandEvents

/// The Prometheus HTTP API over the shared transport and retry policy. Queries are POSTed as a
/// form (Prometheus accepts both verbs) so a long PromQL expression never meets a URL length limit.
public struct LivePrometheusClient<C: Clock & Sendable>: PrometheusClient where C.Duration == Duration {
    public struct Configuration: Sendable {
        /// `http(s)://host:9090` plus any path prefix the server is mounted under.
        public var endpoint: String
        /// Sent as `Authorization: Bearer …` when set (a proxy in front of Prometheus).
        public var bearerToken: String?
        public var trust: TLSTrust
        public var requestTimeout: Duration
        public var retryPolicy: RetryPolicy

        public init(endpoint: String, bearerToken: String? = nil, trust: TLSTrust = .systemRoots,
                    requestTimeout: Duration = .seconds(30), retryPolicy: RetryPolicy = .standard) {
            self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
            self.bearerToken = bearerToken
            self.trust = trust
            self.requestTimeout = requestTimeout
            self.retryPolicy = retryPolicy
        }
    }

    public let configuration: Configuration
    let transport: any HTTPTransport
    let clock: C
    let unitRandom: @Sendable () -> Double
    let logger: Logger

    public init(configuration: Configuration, transport: any HTTPTransport, clock: C,
                unitRandom: @escaping @Sendable () -> Double = { Double.random(in: 0...1) },
                logger: Logger = Logger(label: "ranchhand.prometheus")) {
        self.configuration = configuration
        self.transport = transport
        self.clock = clock
        self.unitRandom = unitRandom
        self.logger = logger
    }

    public func queryRange(_ query: String, start: Date, end: Date, step: TimeInterval) async throws(ClientError) -> [PrometheusSeries] {
        let operation = "query_range"
        let form = URLEncoding.query([
            ("query", query),
            ("start", Self.seconds(start)),
            ("end", Self.seconds(end)),
            ("step", Self.decimal(step)),
        ])
        var headers = [
            HTTPRequest.Header("Content-Type", "application/x-www-form-urlencoded"),
            HTTPRequest.Header("Accept", "application/json"),
            HTTPRequest.Header("User-Agent", "ranchhand-capacity"),
        ]
        if let token = configuration.bearerToken { headers.append(HTTPRequest.Header("Authorization", "Bearer \(token)")) }
        let request = HTTPRequest(method: "POST", url: configuration.endpoint + "/api/v1/query_range", headers: headers,
                                  body: Array(form.utf8), timeout: configuration.requestTimeout, trust: configuration.trust)
        let response = try await configuration.retryPolicy.run(
            .idempotent, clock: clock, unitRandom: unitRandom,
            onRetry: { error, attempt, wait in
                logger.notice("retrying prometheus query_range", metadata: ["attempt": "\(attempt)", "wait": "\(wait)", "error": "\(error)"])
            }
        ) { () async throws(ClientError) -> HTTPResponse in
            let response = try await transport.send(request, service: "prometheus", operation: operation)
            guard response.isSuccess else { throw PrometheusResponse.error(from: response, operation: operation) }
            return response
        }
        return try PrometheusResponse.matrix(from: response, operation: operation)
    }

    /// Unix seconds with millisecond precision, as the API documents.
    static func seconds(_ date: Date) -> String { decimal((date.timeIntervalSince1970 * 1000).rounded() / 1000) }

    static func decimal(_ value: Double) -> String {
        value == value.rounded() ? String(Int64(value)) : String(format: "%.3f", value)
    }
}

/// The API's envelope: `{"status":"success","data":{"resultType":"matrix","result":[…]}}` or
/// `{"status":"error","errorType":"bad_data","error":"…"}`.
enum PrometheusResponse {
    static func matrix(from response: HTTPResponse, operation: String) throws(ClientError) -> [PrometheusSeries] {
        let invalid = { (message: String) in
            ClientError(.invalidResponse, service: "prometheus", operation: operation, statusCode: response.status,
                        message: "\(message); body starts: \(response.bodyExcerpt)")
        }
        guard let document = try? JSONValue.parse(response.body) else { throw invalid("the response is not JSON") }
        guard document["status"]?.stringValue == "success" else { throw error(from: response, operation: operation) }
        guard let data = document["data"], data["resultType"]?.stringValue == "matrix", let result = data["result"]?.arrayValue else {
            throw invalid("expected data.resultType 'matrix' (a range query over an instant vector)")
        }
        var series: [PrometheusSeries] = []
        for item in result {
            var labels: [String: String] = [:]
            for (name, value) in item["metric"]?.objectValue ?? [:] { labels[name] = value.stringValue ?? "" }
            var points: [PrometheusPoint] = []
            for pair in item["values"]?.arrayValue ?? [] {
                guard let parts = pair.arrayValue, parts.count == 2, case let .number(time) = parts[0],
                      let text = parts[1].stringValue, let value = Double(text) ?? special(text) else {
                    throw invalid("a point is not [unix time, \"value\"]")
                }
                points.append(PrometheusPoint(time: Date(timeIntervalSince1970: time), value: value))
            }
            series.append(PrometheusSeries(labels: labels, points: points))
        }
        return series
    }

    static func error(from response: HTTPResponse, operation: String) -> ClientError {
        let document = try? JSONValue.parse(response.body)
        let type = document?["errorType"]?.stringValue
        let message = document?["error"]?.stringValue ?? "HTTP \(response.status); body starts: \(response.bodyExcerpt)"
        // 400 bad_data / 422 execution: the query is wrong and a retry cannot help; 503 timeout/
        // unavailable and 5xx from a proxy are retried by the policy.
        let hint = (type == "bad_data" || response.status == 400) ? " (check the datastore's PromQL and step)" : ""
        return ClientError(.service, service: "prometheus", operation: operation, statusCode: response.status,
                           code: type, message: message + hint)
    }

    private static func special(_ text: String) -> Double? {
        switch text {
        case "NaN": .nan
        case "+Inf": .infinity
        case "-Inf": -.infinity
        default: nil
        }
    }
}

extension LivePrometheusClient where C == ContinuousClock {
    public init(configuration: Configuration, transport: any HTTPTransport, logger: Logger = Logger(label: "ranchhand.prometheus")) {
        self.init(configuration: configuration, transport: transport, clock: ContinuousClock(), logger: logger)
    }
}
