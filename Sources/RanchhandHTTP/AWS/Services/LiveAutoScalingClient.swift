import RanchhandClients
import RanchhandEvents

/// Auto Scaling over the query protocol.
public struct LiveAutoScalingClient: AutoScalingClient {
    private let query: AWSQueryProtocol

    public init(sender: AWSRequestSender) {
        query = AWSQueryProtocol(sender: sender)
    }

    public func completeLifecycleAction(_ action: LifecycleActionReference, result: LifecycleActionResult) async throws(ClientError) {
        _ = try await query.call(.completeLifecycleAction, Self.parameters(action) + [("LifecycleActionResult", result.rawValue)])
    }

    public func recordLifecycleActionHeartbeat(_ action: LifecycleActionReference) async throws(ClientError) {
        _ = try await query.call(.recordLifecycleActionHeartbeat, Self.parameters(action))
    }

    public func describeAutoScalingGroups(_ names: [AutoScalingGroupName]) async throws(ClientError) -> [AutoScalingGroup] {
        var groups: [AutoScalingGroup] = []
        var nextToken: String?
        repeat {
            var parameters = QueryParameters.list("AutoScalingGroupNames", names.map(\.rawValue))
            if let nextToken { parameters.append(("NextToken", nextToken)) }
            let result = try await query.call(.describeAutoScalingGroups, parameters)
            groups += result.list("AutoScalingGroups").map(Self.group)
            nextToken = result.text(of: "NextToken").flatMap { $0.isEmpty ? nil : $0 }
        } while nextToken != nil
        return groups
    }

    public func describeAutoScalingInstances(_ instanceIDs: [InstanceID]) async throws(ClientError) -> [AutoScalingInstance] {
        var instances: [AutoScalingInstance] = []
        var nextToken: String?
        repeat {
            var parameters = QueryParameters.list("InstanceIds", instanceIDs.map(\.rawValue))
            if let nextToken { parameters.append(("NextToken", nextToken)) }
            let result = try await query.call(.describeAutoScalingInstances, parameters)
            instances += result.list("AutoScalingInstances").map { element in
                AutoScalingInstance(
                    instanceID: InstanceID(element.text(of: "InstanceId") ?? ""),
                    group: AutoScalingGroupName(element.text(of: "AutoScalingGroupName") ?? ""),
                    lifecycleState: element.text(of: "LifecycleState") ?? "",
                    healthStatus: element.text(of: "HealthStatus") ?? "",
                    availabilityZone: element.text(of: "AvailabilityZone") ?? "")
            }
            nextToken = result.text(of: "NextToken").flatMap { $0.isEmpty ? nil : $0 }
        } while nextToken != nil
        return instances
    }

    public func describeLifecycleHooks(_ group: AutoScalingGroupName) async throws(ClientError) -> [LifecycleHook] {
        let result = try await query.call(.describeLifecycleHooks, [("AutoScalingGroupName", group.rawValue)])
        return result.list("LifecycleHooks").compactMap { element in
            guard let transition = element.text(of: "LifecycleTransition").flatMap(LifecycleTransition.init(rawValue:)) else { return nil }
            let heartbeat = element.int(of: "HeartbeatTimeout") ?? 3600
            return LifecycleHook(
                name: LifecycleHookName(element.text(of: "LifecycleHookName") ?? ""),
                transition: transition,
                heartbeatTimeout: heartbeat,
                globalTimeout: element.int(of: "GlobalTimeout") ?? min(100 * heartbeat, 172_800),
                defaultResult: element.text(of: "DefaultResult").flatMap(LifecycleActionResult.init(rawValue:)) ?? .abandon,
                notificationMetadata: element.text(of: "NotificationMetadata"))
        }
    }

    public func setDesiredCapacity(_ group: AutoScalingGroupName, to capacity: Int, honorCooldown: Bool) async throws(ClientError) {
        _ = try await query.call(.setDesiredCapacity, [
            ("AutoScalingGroupName", group.rawValue), ("DesiredCapacity", String(capacity)), ("HonorCooldown", String(honorCooldown)),
        ])
    }

    public func describeScalingActivities(_ group: AutoScalingGroupName, maximum: Int) async throws(ClientError) -> [ScalingActivity] {
        var activities: [ScalingActivity] = []
        var nextToken: String?
        repeat {
            var parameters = [("AutoScalingGroupName", group.rawValue), ("MaxRecords", String(min(100, maximum)))]
            if let nextToken { parameters.append(("NextToken", nextToken)) }
            let result = try await query.call(.describeScalingActivities, parameters)
            activities += result.list("Activities").map { element in
                ScalingActivity(
                    activityID: element.text(of: "ActivityId") ?? "", description: element.text(of: "Description") ?? "",
                    cause: element.text(of: "Cause") ?? "", statusCode: element.text(of: "StatusCode") ?? "",
                    startTime: element.text(of: "StartTime").flatMap(Timestamp.init(parsing:)),
                    endTime: element.text(of: "EndTime").flatMap(Timestamp.init(parsing:)))
            }
            nextToken = result.text(of: "NextToken").flatMap { $0.isEmpty ? nil : $0 }
        } while nextToken != nil && activities.count < maximum
        return Array(activities.prefix(maximum))
    }

    private static func parameters(_ action: LifecycleActionReference) -> [(String, String)] {
        var parameters = [("AutoScalingGroupName", action.group.rawValue), ("LifecycleHookName", action.hook.rawValue)]
        if let token = action.token {
            parameters.append(("LifecycleActionToken", token.rawValue))
        } else {
            parameters.append(("InstanceId", action.instanceID.rawValue))
        }
        return parameters
    }

    private static func group(_ element: XMLElement) -> AutoScalingGroup {
        var tags: [String: String] = [:]
        for tag in element.list("Tags") {
            if let key = tag.text(of: "Key") { tags[key] = tag.text(of: "Value") ?? "" }
        }
        return AutoScalingGroup(
            name: AutoScalingGroupName(element.text(of: "AutoScalingGroupName") ?? ""),
            minSize: element.int(of: "MinSize") ?? 0,
            maxSize: element.int(of: "MaxSize") ?? 0,
            desiredCapacity: element.int(of: "DesiredCapacity") ?? 0,
            instances: element.list("Instances").map { instance in
                AutoScalingGroup.Instance(
                    instanceID: InstanceID(instance.text(of: "InstanceId") ?? ""),
                    lifecycleState: instance.text(of: "LifecycleState") ?? "",
                    healthStatus: instance.text(of: "HealthStatus") ?? "",
                    availabilityZone: instance.text(of: "AvailabilityZone") ?? "",
                    protectedFromScaleIn: instance.bool(of: "ProtectedFromScaleIn") ?? false)
            },
            terminateHookAbandon: element.text(of: "InstanceLifecyclePolicy/RetentionTriggers/TerminateHookAbandon"),
            tags: tags)
    }
}
