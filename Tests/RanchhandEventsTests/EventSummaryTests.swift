import Testing
import RanchhandEvents

@Suite struct EventSummaryTests {
    @Test func keysComeInTheDocumentedOrderAndOnlyWhenTheyApply() throws {
        let record = try #require(try EventDecoder.decode(#"{"version":"0","id":"x","detail-type":"EC2 Instance State-change Notification","source":"aws.ec2","account":"123456789012","time":"2015-11-11T21:29:54Z","region":"us-east-1","resources":[],"detail":{"instance-id":"i-abcd1111","state":"pending"}}"#).first)
        let summary = try #require(EventSummary(record))
        #expect(summary.fields.map(\.key) == ["kind", "envelopes", "instanceId", "state", "time", "region", "account", "source", "detailType"])
        #expect(summary.jsonLine == #"{"kind":"instance-state-change","envelopes":["eventbridge"],"instanceId":"i-abcd1111","state":"pending","time":"2015-11-11T21:29:54Z","region":"us-east-1","account":"123456789012","source":"aws.ec2","detailType":"EC2 Instance State-change Notification"}"#)
    }

    @Test func stringsAreEscapedSoEveryLineIsValidJSON() throws {
        let tricky = "quote\" backslash\\ newline\n tab\t bell\u{07} sep\u{2028} é 🚀"
        let escaped = tricky.unicodeScalars.map { scalar -> String in
            switch scalar {
            case "\"": "\\\""
            case "\\": "\\\\"
            case "\n": "\\n"
            case "\t": "\\t"
            case "\u{07}": "\\u0007"
            case "\u{2028}": "\\u2028"
            default: String(scalar)
            }
        }.joined()
        let input = #"{"LifecycleHookName":"h","AutoScalingGroupName":"g","EC2InstanceId":"i-1","LifecycleActionToken":"t","LifecycleTransition":"autoscaling:EC2_INSTANCE_LAUNCHING","NotificationMetadata":"\#(escaped)"}"#
        let record = try #require(try EventDecoder.decode(input).first)
        let line = try #require(EventSummary(record)).jsonLine
        #expect(!line.contains("\n"))
        #expect(try JSONValue.parse(line)["notificationMetadata"] == .string(tricky))
    }

    @Test func prettyOutputHoldsTheSameObject() throws {
        let record = try #require(try EventDecoder.decode(#"{"Event":"autoscaling:TEST_NOTIFICATION","AutoScalingGroupName":"g","AccountId":"1","Time":"2018-03-13T07:30:06.493Z"}"#).first)
        let summary = try #require(EventSummary(record))
        #expect(try JSONValue.parse(summary.prettyJSON) == JSONValue.parse(summary.jsonLine))
        #expect(summary.prettyJSON.contains("\n  \"kind\": \"test-notification\""))
    }

    @Test func failedRecordsHaveNoSummary() throws {
        let record = try #require(try EventDecoder.decode(#"{"Records":[{"messageId":"m","eventSource":"aws:sqs","body":1}]}"#).first)
        #expect(EventSummary(record) == nil)
    }
}
