/// Decodes any input the tools accept — an EventBridge event, an SNS notification, a Lambda SNS or
/// SQS batch, an SQS ReceiveMessage response or message, a bare Auto Scaling notification — into
/// one record per contained event, peeling every envelope (JSON carried inside strings included).
public enum EventDecoder {
    /// Throws only when the input as a whole is unusable (not JSON, not an object, an empty batch);
    /// a bad record inside a batch becomes a failed `EventRecord` next to the good ones.
    public static func decode(_ bytes: some Collection<UInt8>) throws(EventDecodingError) -> [EventRecord] {
        let document: JSONValue
        do {
            document = try JSONValue.parse(bytes)
        } catch {
            throw EventDecodingError(.notJSON(summarize(error)), at: .root)
        }
        guard case .object(let fields) = document else {
            throw EventDecodingError(.wrongType(expected: "a JSON object", found: document.typeName), at: .root)
        }
        let top = ObjectReader(fields, at: .root)
        if let records = fields["Records"] {
            return try batch(records, at: top.path.appending("Records"), decodeRecord: lambdaRecord)
        }
        if let messages = fields["Messages"] {
            return try batch(messages, at: top.path.appending("Messages"), decodeRecord: receivedMessage)
        }
        if top.has("Body"), top.has("MessageId") {
            return [receivedMessage(.object(fields), at: .root)]
        }
        return [object(top, envelopes: [], message: nil)]
    }

    public static func decode(_ text: String) throws(EventDecodingError) -> [EventRecord] {
        try decode(Array(text.utf8))
    }

    /// The record carried by one message our poller received (`ReceiveMessage`): the body is
    /// unwrapped exactly as a `Messages[i].Body` would be, and the record keeps the message's id and
    /// receipt handle.
    public static func decode(sqsMessageBody body: String, messageID: SQSMessageID, receiptHandle: SQSReceiptHandle) -> EventRecord {
        embedded(body, at: JSONPath.root.appending("Body"), envelopes: [.sqsMessage],
                 message: SQSMessageReference(messageID: messageID, receiptHandle: receiptHandle))
    }

    private static func batch(
        _ value: JSONValue, at path: JSONPath, decodeRecord: (JSONValue, JSONPath) -> EventRecord
    ) throws(EventDecodingError) -> [EventRecord] {
        guard case .array(let items) = value else {
            throw EventDecodingError(.wrongType(expected: "an array", found: value.typeName), at: path)
        }
        guard !items.isEmpty else { throw EventDecodingError(.emptyBatch, at: path) }
        return items.enumerated().map { index, item in decodeRecord(item, path.appending(index: index)) }
    }

    /// A Lambda `Records[i]`: an SNS record, an SQS record, or another service's record (unsupported).
    private static func lambdaRecord(_ value: JSONValue, at path: JSONPath) -> EventRecord {
        do throws(EventDecodingError) {
            let record = try ObjectReader(value, at: path)
            if record.has("Sns") {
                let sns = try record.object("Sns")
                return embedded(try sns.string("Message"), at: sns.path.appending("Message"), envelopes: [.lambdaSNS], message: nil)
            }
            if try record.optionalString("eventSource") == "aws:sqs" || (record.has("body") && record.has("receiptHandle")) {
                let message = SQSMessageReference(
                    messageID: try record.identifier("messageId"), receiptHandle: try record.optionalIdentifier("receiptHandle"),
                    queueARN: try record.optionalString("eventSourceARN"))
                do throws(EventDecodingError) {
                    let body = try record.string("body")
                    return embedded(body, at: path.appending("body"), envelopes: [.lambdaSQS], message: message)
                } catch {
                    return EventRecord(envelopes: [.lambdaSQS], sqsMessage: message, outcome: .failure(error))
                }
            }
            let source = (try? record.optionalString("eventSource")) ?? (try? record.optionalString("EventSource")) ?? nil
            let summary = source.map { "Lambda record from \($0)" } ?? "Lambda record of an unknown kind"
            return EventRecord(envelopes: [], outcome: .success(.unsupported(UnsupportedEvent(summary: summary))))
        } catch {
            return EventRecord(envelopes: [], outcome: .failure(error))
        }
    }

    /// One message of an SQS `ReceiveMessage` response (PascalCase, unlike Lambda's records).
    private static func receivedMessage(_ value: JSONValue, at path: JSONPath) -> EventRecord {
        do throws(EventDecodingError) {
            let record = try ObjectReader(value, at: path)
            let message = SQSMessageReference(
                messageID: try record.identifier("MessageId"), receiptHandle: try record.optionalIdentifier("ReceiptHandle"))
            do throws(EventDecodingError) {
                let body = try record.string("Body")
                return embedded(body, at: path.appending("Body"), envelopes: [.sqsMessage], message: message)
            } catch {
                return EventRecord(envelopes: [.sqsMessage], sqsMessage: message, outcome: .failure(error))
            }
        } catch {
            return EventRecord(envelopes: [.sqsMessage], outcome: .failure(error))
        }
    }

    /// JSON carried inside a string (an SQS body, an SNS Message). Plain text is a legitimate
    /// message that none of the tools act on, so it is unsupported rather than an error.
    private static func embedded(
        _ text: String, at path: JSONPath, envelopes: [EnvelopeKind], message: SQSMessageReference?
    ) -> EventRecord {
        guard let parsed = try? JSONValue.parse(text), case .object(let fields) = parsed else {
            let unsupported = UnsupportedEvent(summary: "message body is not a JSON object")
            return EventRecord(envelopes: envelopes, sqsMessage: message, outcome: .success(.unsupported(unsupported)))
        }
        return object(ObjectReader(fields, at: path), envelopes: envelopes, message: message)
    }

    private static func object(_ object: ObjectReader, envelopes: [EnvelopeKind], message: SQSMessageReference?) -> EventRecord {
        do throws(EventDecodingError) {
            if let type = try object.optionalString("Type"), object.has("TopicArn") || object.has("Message") {
                guard type == "Notification" else {
                    let unsupported = UnsupportedEvent(summary: "SNS \(type)")
                    return EventRecord(envelopes: envelopes + [.sns], sqsMessage: message, outcome: .success(.unsupported(unsupported)))
                }
                do throws(EventDecodingError) {
                    let text = try object.string("Message")
                    return embedded(text, at: object.path.appending("Message"), envelopes: envelopes + [.sns], message: message)
                } catch {
                    return EventRecord(envelopes: envelopes + [.sns], sqsMessage: message, outcome: .failure(error))
                }
            }
            let isEventBridge = object.has("detail-type")
            let finalEnvelopes = isEventBridge ? envelopes + [.eventBridge] : envelopes
            do throws(EventDecodingError) {
                let (payload, context) = try PayloadDecoder.decode(object)
                return EventRecord(envelopes: finalEnvelopes, sqsMessage: message, eventBridge: context, outcome: .success(payload))
            } catch {
                return EventRecord(envelopes: finalEnvelopes, sqsMessage: message, outcome: .failure(error))
            }
        } catch {
            return EventRecord(envelopes: envelopes, sqsMessage: message, outcome: .failure(error))
        }
    }

    private static func summarize(_ error: any Error) -> String {
        String(String(describing: error).prefix(200))
    }
}
