import Foundation
import Testing

@testable import RanchhandHTTP

/// Real AWS response bodies (Tests/Fixtures/xml, see SOURCE.md) read the way the clients will.
@Suite("XML: AWS response shapes")
struct XMLResponseShapesTests {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/xml")

    static func fixture(_ name: String) throws -> XMLElement {
        let bytes = try Data(contentsOf: fixtures.appendingPathComponent(name))
        return try XMLElement(parsing: bytes)
    }

    @Test("Auto Scaling DescribeAutoScalingGroups (Query protocol, <member> lists)")
    func describeAutoScalingGroups() throws {
        let response = try Self.fixture("autoscaling-DescribeAutoScalingGroups.xml")
        #expect(response.name == "DescribeAutoScalingGroupsResponse")
        #expect(response.attribute("xmlns") == "https://autoscaling.amazonaws.com/doc/2011-01-01/")
        #expect(response.text(of: "ResponseMetadata/RequestId") == "7c6e177f-f082-11e1-ac58-3714bEXAMPLE")

        let groups = response.list("DescribeAutoScalingGroupsResult/AutoScalingGroups")
        let group = try #require(groups.first)
        #expect(groups.count == 1)
        #expect(group.text(of: "AutoScalingGroupName") == "my-asg")
        #expect(group.int(of: "MinSize") == 2 && group.int(of: "MaxSize") == 10 && group.int(of: "DesiredCapacity") == 2)
        #expect(group.list("AvailabilityZones").map(\.text) == ["us-east-1a", "us-east-1b"])
        #expect(group.list("LoadBalancerNames").isEmpty)
        #expect(group.text(of: "LaunchTemplate") == "")
        let created = try #require(group.date(of: "CreatedTime"))
        #expect(abs(created.timeIntervalSince1970 - 1_683_395_235.107) < 0.0005)
        #expect(group.bool(of: "NewInstancesProtectedFromScaleIn") == false)

        let instance = try #require(group.list("Instances").first)
        #expect(instance.text(of: "InstanceId") == "i-1234567890abcdef0")
        #expect(instance.text(of: "LifecycleState") == "InService")
        #expect(instance.bool(of: "ProtectedFromScaleIn") == false)

        let tag = try #require(group.list("Tags").first)
        #expect(tag.text(of: "Key") == "environment" && tag.text(of: "Value") == "test")
        #expect(tag.bool(of: "PropagateAtLaunch") == true)
        #expect(response.first(path: "DescribeAutoScalingGroupsResult/NextToken") == nil)
    }

    @Test("EC2 DescribeInstances (<item> lists, no Result wrapper)")
    func describeInstances() throws {
        let response = try Self.fixture("ec2-DescribeInstances-pending.xml")
        #expect(response.text(of: "requestId") == "ae700c49-0c13-4d03-a33e-dbdddc5da39d")
        let reservations = response.list("reservationSet", entry: "item")
        let instance = try #require(reservations.first?.list("instancesSet", entry: "item").first)
        #expect(instance.text(of: "instanceId") == "i-1d48637b")
        #expect(instance.text(of: "instanceState/name") == "pending")
        #expect(instance.int(of: "instanceState/code") == 0)
        #expect(instance.text(of: "placement/availabilityZone") == "us-east-1c")
        #expect(instance.date(of: "launchTime") == Date(timeIntervalSince1970: 1_337_931_267))
        #expect(instance.text(of: "reason") == "")
        #expect(instance.list("groupSet", entry: "item").map { $0.text(of: "groupId") } == ["sg-04d3aa6d"])
    }

    @Test("EC2 error: <Response><Errors><Error> and RequestID")
    func ec2Error() throws {
        let body = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code><Message>The instance ID 'i-1a2b3c4d' does not exist</Message></Error></Errors><RequestID>ea966190-f9aa-478e-9ede-example</RequestID></Response>
            """
        let response = try XMLElement(parsing: body)
        let error = try #require(response.list("Errors", entry: "Error").first)
        #expect(error.text(of: "Code") == "InvalidInstanceID.NotFound")
        #expect(error.text(of: "Message") == "The instance ID 'i-1a2b3c4d' does not exist")
        #expect(response.text(of: "RequestID") == "ea966190-f9aa-478e-9ede-example")
    }

    @Test("Query error: <ErrorResponse><Error><Type>Sender</Type><Code>…")
    func queryError() throws {
        let body = """
            <ErrorResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/">
              <Error>
                <Type>Sender</Type>
                <Code>ValidationError</Code>
                <Message>No active Lifecycle Action found with instance ID i-0123456789abcdef0 &amp; token &quot;t&quot;</Message>
              </Error>
              <RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId>
            </ErrorResponse>
            """
        let response = try XMLElement(parsing: body)
        #expect(response.text(of: "Error/Type") == "Sender")
        #expect(response.text(of: "Error/Code") == "ValidationError")
        #expect(response.text(of: "Error/Message")
            == #"No active Lifecycle Action found with instance ID i-0123456789abcdef0 & token "t""#)
        #expect(response.text(of: "RequestId") == "7a62c49f-347e-4fc4-9331-6e8eEXAMPLE")
    }

    @Test("Route53 ListResourceRecordSets page: records, paging markers, exact values")
    func route53ListResourceRecordSets() throws {
        let response = try Self.fixture("route53-ListResourceRecordSets-truncated-page.xml")
        let sets = response.list("ResourceRecordSets", entry: "ResourceRecordSet")
        #expect(sets.map { $0.text(of: "Type") } == ["NS", "SOA", "A"])
        #expect(sets[0].list("ResourceRecords", entry: "ResourceRecord").count == 4)
        #expect(sets[1].text(of: "ResourceRecords/ResourceRecord/Value")
            == "ns-1929.awsdns-93.net. hostmain.awsdns.net. 1 10800 3600 604800 1800")
        #expect(sets[2].text(of: "SetIdentifier") == "primary" && sets[2].int(of: "Weight") == 100)
        #expect(response.bool(of: "IsTruncated") == true)
        #expect(response.text(of: "NextRecordName") == "wrr.example.com.")
        #expect(response.text(of: "NextRecordIdentifier") == "secondary")
        #expect(response.int(of: "MaxItems") == 3)
        #expect(response.text == "")  // indentation between children is not text
    }

    @Test("Route53 errors: ErrorResponse codes and the InvalidChangeBatch form", arguments: [
        ("route53-error-Throttling.xml", "Throttling", "Rate exceeded"),
        ("route53-error-PriorRequestNotComplete.xml", "PriorRequestNotComplete",
         "The request was rejected because Route 53 was still processing a prior request."),
    ])
    func route53ErrorResponse(file: String, code: String, message: String) throws {
        let response = try Self.fixture(file)
        #expect(response.name == "ErrorResponse")
        #expect(response.text(of: "Error/Type") == "Sender")
        #expect(response.text(of: "Error/Code") == code)
        #expect(response.text(of: "Error/Message") == message)
        #expect(response.text(of: "RequestId")?.count == 36)
    }

    @Test("Route53 InvalidChangeBatch (root-level error with <Messages>)")
    func route53InvalidChangeBatch() throws {
        let response = try Self.fixture("route53-error-InvalidChangeBatch.xml")
        #expect(response.name == "InvalidChangeBatch")
        #expect(response.list("Messages", entry: "Message").map(\.text)
            == ["Tried to create resource record set duplicate.example.com. type A, but it already exists"])
        #expect(response.text(of: "RequestId") == "b25f48e8-84fd-11e6-80d9-574e0c4664cb")
    }
}
