import Logging
import RanchhandClients
import RanchhandHTTP
import RanchhandTestSupport
import Testing

/// The `/metrics` server over real HTTP on a kernel-chosen loopback port.
@Suite struct PrometheusEndpointTests {
    actor Counter {
        var value = 0
        func bump() { value += 1 }
        func text() -> String { "# TYPE scrapes_total counter\nscrapes_total \(value)\n" }
    }

    func get(_ url: String, method: String = "GET", timeout: Duration = .seconds(5)) async throws -> HTTPResponse {
        try await AWSTestContext.transport.send(HTTPRequest(method: method, url: url, timeout: timeout), service: "metrics", operation: method)
    }

    @Test func servesTheRenderedTextAtMetricsOnlyAndStopsListening() async throws {
        let counter = Counter()
        let endpoint = try await PrometheusEndpoint.start(at: PrometheusEndpoint.Address(host: "127.0.0.1", port: 0),
                                                          logger: Logger(label: "test.metrics")) { await counter.text() }
        #expect(endpoint.address.port != 0)

        let first = try await get(endpoint.url)
        #expect(first.status == 200)
        #expect(first.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        #expect(String(decoding: first.body, as: UTF8.self) == "# TYPE scrapes_total counter\nscrapes_total 0\n")

        // Rendered on every scrape, not once.
        await counter.bump()
        await counter.bump()
        let second = try await get(endpoint.url + "?debug=1")
        #expect(String(decoding: second.body, as: UTF8.self).hasSuffix("scrapes_total 2\n"))

        let root = "http://\(endpoint.address)"
        #expect(try await get(root + "/").status == 404)
        #expect(try await get(root + "/metricsx").status == 404)
        #expect(try await get(endpoint.url, method: "POST").status == 405)
        let head = try await get(endpoint.url, method: "HEAD")
        #expect(head.status == 200 && head.body.isEmpty)

        await endpoint.stop()
        // Refused from now on (the client keeps re-connecting until its timeout, hence a short one).
        await #expect(throws: ClientError.self) { _ = try await get(endpoint.url, timeout: .milliseconds(300)) }
    }

    @Test(arguments: [
        ("127.0.0.1:9464", "127.0.0.1", 9464), ("[::1]:9464", "::1", 9464), (":9464", "0.0.0.0", 9464), ("localhost:0", "localhost", 0),
    ])
    func parsesAddresses(text: String, host: String, port: Int) {
        #expect(PrometheusEndpoint.Address(parsing: text) == PrometheusEndpoint.Address(host: host, port: port))
    }

    @Test(arguments: ["9464", "127.0.0.1", "127.0.0.1:99999", "127.0.0.1:-1", "127.0.0.1:port", ""])
    func rejectsBadAddresses(text: String) {
        #expect(PrometheusEndpoint.Address(parsing: text) == nil)
    }
}
