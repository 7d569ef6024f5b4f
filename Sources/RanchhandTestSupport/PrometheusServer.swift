import Foundation

/// A real Prometheus backfilled from the bundled NASA trace (`scripts/testenv/prometheus_launcher.py`),
/// shared by every test in the process: `RANCHHAND_TEST_PROMETHEUS_URL` when `start.sh` started
/// it, otherwise started here once and stopped when this process exits.
public actor PrometheusServer {
    /// The series the launcher writes: `ranchhand_trace_load{trace="nasa_http_1995_1min"}`, each
    /// minute of the trace from `backfillStart` for `backfillDays`, stamped at the minute's end.
    public static let metric = "ranchhand_trace_load"
    public static let trace = "Benchmarks/capacity/traces/nasa_http_1995_1min.csv"
    public static let backfillStart = Date(timeIntervalSince1970: 804_571_200)  // 1995-07-01T04:00:00Z
    public static let backfillDays = 16.0

    public static let shared = PrometheusServer()
    private var url: String?
    private var starting: Task<String, any Error>?
    private var server: ChildProcess.Server?

    public func endpoint() async throws -> String {
        if let url { return url }
        if let starting { return try await starting.value }
        let task = Task { () async throws -> String in
            if let url = ProcessInfo.processInfo.environment["RANCHHAND_TEST_PROMETHEUS_URL"], !url.isEmpty { return url }
            let started = try await ChildProcess.Server.start(script: "scripts/testenv/prometheus_launcher.py",
                                                              arguments: ["--port", "0", "--exit-on-stdin-eof"])
            self.keep(started)
            return started.url
        }
        starting = task
        let value = try await task.value
        url = value
        return value
    }

    private func keep(_ started: ChildProcess.Server) { server = started }
}
