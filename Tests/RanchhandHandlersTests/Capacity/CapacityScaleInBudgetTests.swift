import Foundation
import RanchhandClients
import RanchhandEvents
import Testing
@testable import RanchhandHandlers

/// ranchhand-capacity never asks an Auto Scaling group for more terminations than the scale-in
/// handler's budget lets through within its window, counted the way the handler counts them.
@Suite struct CapacityScaleInBudgetTests {
    static let scaler = """
        scalers:
          - name: web
            target: {kind: autoscaling-group, name: web-asg}
            min: 1
            max: 20
            datastore: {kind: cloudwatch, namespace: App, metric: Requests, stat: Sum}
            strategy: {kind: target-tracking, target: 100}
        """

    @Test func aScaleInDeeperThanTheAllowanceIsCutToItAndSaysSo() throws {
        let scaler = try CapacityConfiguration.load(yaml: Self.scaler, file: "c.yaml").scalers[0]
        let state = CapacityState(desired: 10, ready: 10)
        // 10 instances serving 100 against a target of 100 each want far fewer.
        let unlimited = CapacityPlanning.decide(scaler, history: minuteHistory([100]), target: CapacityTargetSnapshot(state: state), now: minute(1))
        try #require(unlimited.desired < 7, "the strategy alone must want a deeper scale-in than the budget allows: \(unlimited)")

        let limited = CapacityPlanning.decide(scaler, history: minuteHistory([100]), target: CapacityTargetSnapshot(state: state, scaleInAllowance: 3),
                                              now: minute(1))
        #expect(limited.desired == 7)
        #expect(limited.warnings.contains(.limitedByScaleInBudget(wanted: unlimited.desired, allowance: 3)))

        let spent = CapacityPlanning.decide(scaler, history: minuteHistory([100]), target: CapacityTargetSnapshot(state: state, scaleInAllowance: 0),
                                            now: minute(1))
        #expect(spent.change == .hold && spent.desired == 10)
    }

    @Test func aScaleOutIsNeverLimitedByTheBudget() throws {
        let scaler = try CapacityConfiguration.load(yaml: Self.scaler, file: "c.yaml").scalers[0]
        let decision = CapacityPlanning.decide(scaler, history: minuteHistory([1000]),
                                               target: CapacityTargetSnapshot(state: CapacityState(desired: 4, ready: 4), scaleInAllowance: 0),
                                               now: minute(1))
        #expect(decision.change == .scaleOut)
        #expect(!decision.warnings.contains { if case .limitedByScaleInBudget = $0 { true } else { false } })
    }

    @Test func theAllowanceCountsEachDepartureOnceWithinTheWindow() {
        let now = testOrigin
        func instance(_ id: String, _ state: String) -> AutoScalingGroup.Instance {
            AutoScalingGroup.Instance(instanceID: InstanceID(id), lifecycleState: state, healthStatus: "Healthy", availabilityZone: "eu-west-1a")
        }
        func activity(_ id: String, minutesAgo: Double, status: String = "Successful") -> ScalingActivity {
            ScalingActivity(activityID: UUID().uuidString, description: "Terminating EC2 instance: \(id)", cause: "", statusCode: status,
                            startTime: Timestamp(parsing: now.addingTimeInterval(-minutesAgo * 60).ISO8601Format()), endTime: nil)
        }
        // 18 in the group, two of them leaving now; three left within the last 30 minutes (one of the
        // leaving ones has its activity too), one an hour ago, one failed.
        var instances = (0..<16).map { instance("i-0in\($0)", "InService") }
        instances += [instance("i-0out1", "Terminating:Wait"), instance("i-0out2", "Terminating:Proceed")]
        let group = AutoScalingGroup(name: "web-asg", minSize: 1, maxSize: 30, desiredCapacity: 16, instances: instances)
        let activities = [activity("i-0out1", minutesAgo: 1), activity("i-0gone1", minutesAgo: 5), activity("i-0gone2", minutesAgo: 20),
                          activity("i-0old", minutesAgo: 60), activity("i-0failed", minutesAgo: 2, status: "Failed")]
        let budget = ScaleInBudget(maximumShare: 0.34, windowSeconds: 1800)
        // Departed: out1, out2, gone1, gone2 = 4, of a group of 18 + 2 = 20; 0.34 × 20 = 6.8, so 2 more may go.
        #expect(CapacityTargets.scaleInAllowance(group: group, activities: activities, budget: budget, now: now) == 2)
        #expect(budget.allowance(clusterSize: 20, removed: 4) == 2)
    }
}
