import ArgumentParser
import RanchhandEvents

struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode recorded AWS events and print one JSON object per event (JSON Lines).",
        discussion: """
            Accepts every way an event reaches ranchhand: an EventBridge event, an SNS notification, \
            an SNS->Lambda or SQS->Lambda batch (also SNS->SQS, double wrapped), an SQS ReceiveMessage \
            response or message, or a bare Auto Scaling notification. Each contained event prints as \
            one line with these keys (omitted when not applicable):
              kind  lifecycle-launching | lifecycle-terminating | test-notification | launch-successful |
                    launch-unsuccessful | terminate-successful | terminate-unsuccessful |
                    spot-interruption-warning | rebalance-recommendation | instance-state-change |
                    scheduled | alarm-state-change | unsupported
              envelopes  wrappers peeled, outermost first: lambda-sqs, lambda-sns, sqs-message, sns,
                         eventbridge ([] for a bare Auto Scaling notification)
              instanceId autoScalingGroupName lifecycleHookName lifecycleActionToken
              lifecycleTransition notificationMetadata origin destination state alarmName alarmState
              time region account messageId source detailType
            Strings are printed as AWS sent them; notificationMetadata is the exact string. time is the \
            event's own time (the notification's Time or the EventBridge time), in UTC (RFC 3339) with \
            the fractional digits it had. messageId is the SQS message id. region comes from the \
            EventBridge envelope, account from it or from the notification's AccountId.

            Exit status: 0 when everything decoded (unsupported events count as decoded); 65 when an \
            input or a record could not be decoded (one line on stderr each, naming the JSON path; the \
            good records of a batch are still printed); 66 when a file cannot be read.
            """
    )

    @Argument(help: "Files to decode; '-' (the default) reads standard input.")
    var files: [String] = ["-"]

    @Flag(help: "Indent each object for reading instead of one line per event.")
    var pretty = false

    func run() throws {
        var failures = 0
        for file in files {
            let bytes: [UInt8]
            do {
                bytes = try file == "-" ? StandardStreams.readStandardInput() : StandardStreams.readFile(file)
            } catch {
                StandardStreams.printError("\(file): cannot read: \(error)")
                throw ExitCode(66)
            }
            failures += decodeAndPrint(bytes, name: file)
        }
        if failures > 0 { throw ExitCode(65) }
    }

    private func decodeAndPrint(_ bytes: [UInt8], name: String) -> Int {
        let records: [EventRecord]
        do {
            records = try EventDecoder.decode(bytes)
        } catch {
            StandardStreams.printError("\(name): \(error)")
            return 1
        }
        var failures = 0
        for record in records {
            if let summary = EventSummary(record) {
                print(pretty ? summary.prettyJSON : summary.jsonLine)
            } else if let error = record.error {
                let message = record.sqsMessage.map { " (SQS message \($0.messageID))" } ?? ""
                StandardStreams.printError("\(name): \(error)\(message)")
                failures += 1
            }
        }
        return failures
    }
}
