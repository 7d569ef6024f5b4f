import RanchhandClients
import RanchhandEvents
import RanchhandHTTP
import RanchhandTestSupport
import Testing

@Suite struct EC2ClientTests {
    @Test func describeInstancesReadsEveryPageWithFilters() async throws {
        let seed = try await AWSTestContext.seed()
        let tag = MotoServer.uniqueName("ec2")
        let seeded = try await seed.instances(count: 1, tags: ["ranchhand-test": tag, "Name": "node"], reservations: 7)
        try await withOwnFaultProxy { proxy, url in
            let ec2 = LiveEC2Client(sender: AWSTestContext.sender(endpoint: url))
            let found = try await ec2.describeInstances(DescribeInstancesRequest(
                filters: [.tag("ranchhand-test", tag), .state(.running)], pageSize: 5))
            #expect(found.map(\.instanceID.rawValue).sorted() == seeded)
            #expect(found.allSatisfy { $0.state == .running && $0.tags["Name"] == "node" && $0.privateIPv4 != nil })
            #expect(found.allSatisfy { !$0.availabilityZone.isEmpty && $0.launchTime != nil })
            // 7 reservations at 5 a page: two requests, the second with NextToken.
            let requests = try await proxy.log().filter { $0.action == "DescribeInstances" }
            #expect(requests.count == 2)
        }
    }

    @Test func describeInstancesByIDAndGroupTag() async throws {
        let seed = try await AWSTestContext.seed()
        let group = try await seed.group(MotoServer.uniqueName("ec2g"), desired: 2)
        let ec2 = LiveEC2Client(sender: try await AWSTestContext.motoSender())
        let byTag = try await ec2.describeInstances(DescribeInstancesRequest(filters: [.tag("aws:autoscaling:groupName", group.group)]))
        #expect(byTag.map(\.instanceID.rawValue).sorted() == group.instanceIds)
        #expect(byTag.allSatisfy { $0.autoScalingGroup == AutoScalingGroupName(group.group) })
        let byID = try await ec2.describeInstances(DescribeInstancesRequest(instanceIDs: [InstanceID(group.instanceIds[0])], pageSize: 5))
        #expect(byID.map(\.instanceID.rawValue) == [group.instanceIds[0]])
    }

    @Test func ec2ErrorsAreReadFromTheirOwnShape() async throws {
        let ec2 = LiveEC2Client(sender: try await AWSTestContext.motoSender())
        let error = await clientError { () async throws(ClientError) in
            _ = try await ec2.describeInstances(DescribeInstancesRequest(instanceIDs: ["i-00000000000000000"]))
        }
        #expect(error?.kind == .service)
        #expect(error?.code == "InvalidInstanceID.NotFound")
        #expect(error?.statusCode == 400)
        #expect(error?.message.contains("i-00000000000000000") == true)
    }
}
