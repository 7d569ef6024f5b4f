import Foundation
import RanchhandClients

/// The lease as one DynamoDB item per name (`lease` the partition key, `holder`, `expiresAt` in
/// epoch milliseconds, `fence` a counter), changed only by conditional UpdateItem calls: a take
/// succeeds when the item has no holder, its lease ran out, or the caller holds it.
public struct LiveDynamoDBLeaseStore: LeaseStore {
    private let json: AWSJSONProtocol
    public let table: String

    public init(sender: AWSRequestSender, table: String) {
        json = AWSJSONProtocol(sender: sender)
        self.table = table
    }

    public func take(_ name: String, holder: String, until expires: Date, now: Date) async throws(ClientError) -> Int? {
        let input = Wire.UpdateItemInput(
            TableName: table, Key: ["lease": .init(S: name)],
            UpdateExpression: "SET #holder = :me, #expires = :expires ADD #fence :one",
            ConditionExpression: "attribute_not_exists(#holder) OR #expires < :now OR #holder = :me",
            ExpressionAttributeNames: ["#holder": "holder", "#expires": "expiresAt", "#fence": "fence"],
            ExpressionAttributeValues: [":me": .init(S: holder), ":expires": .init(N: Self.milliseconds(expires)),
                                        ":now": .init(N: Self.milliseconds(now)), ":one": .init(N: "1")],
            ReturnValues: "ALL_NEW")
        let output: Wire.UpdateItemOutput
        do {
            output = try await json.call(.updateItem, input, as: Wire.UpdateItemOutput.self)
        } catch where error.code == "ConditionalCheckFailedException" {
            return nil
        }
        guard let fence = output.Attributes?["fence"]?.N.flatMap(Int.init) else {
            throw ClientError(.invalidResponse, service: "dynamodb", operation: "UpdateItem", message: "the lease item came back without a fence")
        }
        return fence
    }

    public func renew(_ name: String, holder: String, fence: Int, until expires: Date) async throws(ClientError) -> Bool {
        let input = Wire.UpdateItemInput(
            TableName: table, Key: ["lease": .init(S: name)], UpdateExpression: "SET #expires = :expires",
            ConditionExpression: "#holder = :me AND #fence = :fence",
            ExpressionAttributeNames: ["#holder": "holder", "#expires": "expiresAt", "#fence": "fence"],
            ExpressionAttributeValues: [":me": .init(S: holder), ":fence": .init(N: String(fence)), ":expires": .init(N: Self.milliseconds(expires))],
            ReturnValues: nil)
        do {
            _ = try await json.call(.updateItem, input, as: Wire.UpdateItemOutput.self)
            return true
        } catch where error.code == "ConditionalCheckFailedException" {
            return false
        }
    }

    public func release(_ name: String, holder: String, fence: Int) async throws(ClientError) {
        let input = Wire.UpdateItemInput(
            TableName: table, Key: ["lease": .init(S: name)], UpdateExpression: "REMOVE #holder SET #expires = :zero",
            ConditionExpression: "#holder = :me AND #fence = :fence",
            ExpressionAttributeNames: ["#holder": "holder", "#expires": "expiresAt", "#fence": "fence"],
            ExpressionAttributeValues: [":me": .init(S: holder), ":fence": .init(N: String(fence)), ":zero": .init(N: "0")],
            ReturnValues: nil)
        do {
            _ = try await json.call(.updateItem, input, as: Wire.UpdateItemOutput.self)
        } catch where error.code == "ConditionalCheckFailedException" {
            return  // someone took it over after our lease ran out: nothing of ours to give back
        }
    }

    static func milliseconds(_ date: Date) -> String { String(Int64((date.timeIntervalSince1970 * 1000).rounded(.down))) }

    enum Wire {
        struct Value: Codable, Sendable {
            var S: String?
            var N: String?
            init(S: String? = nil, N: String? = nil) {
                self.S = S
                self.N = N
            }
        }

        struct UpdateItemInput: Encodable, Sendable {
            var TableName: String
            var Key: [String: Value]
            var UpdateExpression: String
            var ConditionExpression: String
            var ExpressionAttributeNames: [String: String]
            var ExpressionAttributeValues: [String: Value]
            var ReturnValues: String?
        }

        struct UpdateItemOutput: Decodable {
            var Attributes: [String: Value]?
        }
    }
}
