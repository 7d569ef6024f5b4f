import Foundation
import Testing
@testable import RanchhandHandlers

@Suite("Capacity configuration")
struct CapacityConfigurationTests {
    static let valid = """
    scalers:
      - name: web
        target: {kind: autoscaling-group, name: web-asg}
        min: 2
        max: 40
        period: 1m
        boostFactor: 2
        warmUp: 5m
        coolDown: 15m
        datastore:
          kind: cloudwatch
          namespace: AWS/ApplicationELB
          metric: RequestCount
          dimensions: {LoadBalancer: app/web/0123}
          stat: Sum
        metric: {aggregation: total}
        strategy:
          kind: predictive
          unitCapacity: 300
          quantile: 0.99
          horizon: 10m
          history: 14d
          seasonality: [daily, weekly]
      - name: api
        target: {kind: deployment, cluster: c-abc12, namespace: shop, name: api}
        min: 1
        max: 10
        datastore:
          kind: prometheus
          endpoint: http://prometheus.monitoring:9090
          query: avg(rate(container_cpu_usage_seconds_total{namespace="shop"}[2m]))
        metric: {aggregation: per-instance, maxAge: 3m}
        strategy: {kind: target-tracking, target: 0.6}
      - name: batch
        target: {kind: autoscaling-group, name: batch}
        min: 0
        max: 5
        datastore: {kind: cloudwatch, expression: "SUM(METRICS())", period: 5m}
        strategy: {kind: threshold, lower: 10, upper: 50}
    """

    func problems(_ yaml: String) -> [CapacityConfigurationProblem] {
        do {
            _ = try CapacityConfiguration.load(yaml: yaml, file: "capacity.yaml")
            return []
        } catch {
            return error.problems
        }
    }

    @Test func validFileParses() throws {
        let configuration = try CapacityConfiguration.load(yaml: Self.valid, file: "capacity.yaml")
        #expect(configuration.scalers.map(\.name) == ["web", "api", "batch"])
        let web = configuration.scalers[0]
        #expect(web.target == .autoScalingGroup(name: "web-asg"))
        #expect(web.rules == ScalingRules(minCapacity: 2, maxCapacity: 40, boostFactor: 2, warmUp: 300, coolDown: 900, metricMaxAge: 600, aggregation: .total))
        guard case let .predictive(parameters) = web.strategy else { Issue.record("not predictive"); return }
        #expect(parameters.unitCapacity == 300)
        #expect(parameters.history == 14 * 86_400)
        #expect(web.datastore == .cloudWatch(CloudWatchMetricSource(
            query: .metric(namespace: "AWS/ApplicationELB", name: "RequestCount", dimensions: [CloudWatchDimension(name: "LoadBalancer", value: "app/web/0123")], stat: "Sum"),
            period: 60
        )))
        let api = configuration.scalers[1]
        #expect(api.target == .deployment(cluster: "c-abc12", namespace: "shop", name: "api"))
        #expect(api.rules.aggregation == .perInstance)
        #expect(api.rules.metricMaxAge == 180)
        #expect(api.strategy == .targetTracking(TargetTrackingParameters(target: 0.6, tolerance: 0.1)))
        #expect(configuration.scalers[2].datastore == .cloudWatch(CloudWatchMetricSource(query: .expression("SUM(METRICS())"), period: 300)))
    }

    @Test func configuredScalerDecidesWithItsStrategy() throws {
        let batch = try CapacityConfiguration.load(yaml: Self.valid, file: "capacity.yaml").scalers[2]
        let decision = batch.decide(history: minuteHistory([200]), capacity: CapacityState(desired: 2, ready: 2), now: minute(1))
        #expect(decision.reason == .aboveUpperThreshold)
        #expect(decision.desired == 3)
    }

    @Test func misspeltKeyIsReportedWhereItIs() {
        let yaml = Self.valid.replacingOccurrences(of: "    coolDown: 15m", with: "    cooldown: 15m")
        let found = problems(yaml)
        #expect(found.count == 1)
        #expect(found.first?.line == 9)
        #expect(found.first?.column == 5)
        #expect(found.first?.message.contains("unknown key 'cooldown'") == true)
        #expect(found.first?.message.contains("did you mean 'coolDown'") == true)
        #expect(found.first?.description.hasPrefix("capacity.yaml:9:5: ") == true)
    }

    @Test func everyProblemIsReportedAtOnce() {
        let yaml = """
        scalers:
          - name: web
            target: {kind: autoscaling-group}
            min: 5
            max: 2
            warmUp: soon
            datastore: {kind: prometheus, endpoint: prometheus:9090, query: up}
            strategy: {kind: threshold, lower: 80, upper: 20}
        """
        let found = problems(yaml)
        #expect(found.map(\.line) == [3, 5, 6, 7, 8])
        #expect(found[0].message == "an autoscaling-group target needs 'name'")
        #expect(found[1].message == "'max' (2) is below 'min' (5)")
        #expect(found[2].message.contains("duration"))
        #expect(found[3].message.contains("http://"))
        #expect(found[4].message.contains("'lower' (80.0) must be below 'upper' (20.0)"))
    }

    @Test func missingRequiredFieldsPointAtTheScaler() {
        let found = problems("scalers:\n  - name: web\n    min: 1\n    max: 3\n")
        #expect(found.map(\.message) == ["scaler 'web' needs 'target'", "scaler 'web' needs 'datastore'", "scaler 'web' needs 'strategy'"])
        #expect(Set(found.map(\.line)) == [2])
    }

    @Test func wrongKindsAndValuesAreNamed() {
        let yaml = Self.valid
            .replacingOccurrences(of: "kind: target-tracking, target: 0.6", with: "kind: target-tracking, target: -1")
            .replacingOccurrences(of: "quantile: 0.99", with: "quantile: 1.5")
            .replacingOccurrences(of: "kind: threshold", with: "kind: step")
        let found = problems(yaml)
        #expect(found.count == 3)
        #expect(found[0].line == 20 && found[0].message.contains("'quantile' must be"))
        #expect(found[1].line == 33 && found[1].message.contains("'target' must be above 0"))
        #expect(found[2].line == 39 && found[2].message.contains("strategy kind must be threshold, target-tracking or predictive, found 'step'"))
    }

    @Test func predictiveNeedsATotalMetric() {
        let yaml = Self.valid.replacingOccurrences(of: "metric: {aggregation: total}", with: "metric: {aggregation: per-instance}")
        let found = problems(yaml)
        #expect(found.count == 1)
        #expect(found.first?.line == 18)
        #expect(found.first?.message.contains("aggregation to total") == true)
    }

    @Test func duplicateNamesAndSyntaxErrorsAreLocated() {
        let duplicate = Self.valid.replacingOccurrences(of: "name: api\n", with: "name: web\n")
        #expect(problems(duplicate).first?.message.contains("'web' is already used on line 2") == true)
        let broken = problems("scalers:\n  - name: web\n    min: [1,\n")
        #expect(broken.count == 1)
        #expect(broken.first?.message.hasPrefix("YAML syntax") == true)
        #expect((broken.first?.line ?? 0) >= 3)
        #expect(problems("").first?.message.contains("'scalers' list") == true)
    }

    @Test func errorDescriptionListsFileLineAndWhatToDo() {
        do {
            _ = try CapacityConfiguration.load(yaml: "scalers: []", file: "a.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("a.yaml:1:10: 'scalers' must be a non-empty list"))
            #expect(error.description.contains("run validate-config again"))
        }
    }

    @Test(arguments: [("90s", 90.0), ("5m", 300), ("1h30m", 5400), ("14d", 1_209_600), ("120", 120), ("0.5m", 30)])
    func durations(text: String, seconds: Double) {
        #expect(DurationText.seconds(text) == seconds)
    }

    @Test(arguments: ["", "5 minutes", "m", "-3m", "5x"])
    func badDurations(text: String) {
        #expect(DurationText.seconds(text) == nil)
    }
}
