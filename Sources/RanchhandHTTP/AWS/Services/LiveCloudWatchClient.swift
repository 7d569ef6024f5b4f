import Foundation
import RanchhandClients

/// CloudWatch over awsJson1_0 (`GraniteServiceVersion20100801.*`). The query form is not used:
/// signature-checking moto rejects GetMetricData in it, and JSON needs no flattening.
public struct LiveCloudWatchClient: CloudWatchClient {
    private let json: AWSJSONProtocol

    public init(sender: AWSRequestSender) {
        json = AWSJSONProtocol(sender: sender)
    }

    public func getMetricData(_ request: GetMetricDataRequest) async throws(ClientError) -> [MetricDataResult] {
        var results: [MetricDataResult] = []
        var nextToken: String?
        var seenTokens: Set<String> = []
        repeat {
            let input = Wire.GetMetricDataInput(
                MetricDataQueries: request.queries.map(Wire.Query.init),
                StartTime: request.alignedStart, EndTime: request.end,
                ScanBy: request.oldestFirst ? "TimestampAscending" : "TimestampDescending",
                MaxDatapoints: request.maximumDatapoints, NextToken: nextToken)
            let page = try await json.call(.getMetricData, input, as: Wire.GetMetricDataOutput.self)
            let pageResults = page.MetricDataResults ?? []
            for result in pageResults {
                let timestamps = result.Timestamps ?? []
                let values = result.Values ?? []
                // A SEARCH expression answers one result per matching metric under the same id, told
                // apart by label: then pages are joined per (id, label). A single series is joined by
                // id alone (its label need not repeat across pages).
                let sameID = results.indices.filter { results[$0].id == result.Id }
                let single = sameID.count == 1 && pageResults.filter { $0.Id == result.Id }.count == 1
                if let index = single ? sameID.first : sameID.first(where: { results[$0].label == result.Label }) {
                    results[index].timestamps += timestamps
                    results[index].values += values
                    results[index].statusCode = result.StatusCode ?? results[index].statusCode
                } else {
                    results.append(MetricDataResult(id: result.Id, label: result.Label, timestamps: timestamps, values: values,
                                                    statusCode: result.StatusCode))
                }
            }
            nextToken = page.NextToken.flatMap { $0.isEmpty ? nil : $0 }
            if let token = nextToken, !seenTokens.insert(token).inserted {
                throw ClientError(.invalidResponse, service: "monitoring", operation: "GetMetricData",
                                  message: "the same NextToken came back twice; stopping instead of paging forever")
            }
        } while nextToken != nil
        return results
    }

    public func putMetricData(namespace: String, _ data: [MetricDatum]) async throws(ClientError) {
        // 1,000 datums per call is CloudWatch's limit.
        for start in stride(from: 0, to: data.count, by: 1000) {
            let chunk = data[start..<min(data.count, start + 1000)]
            let input = Wire.PutMetricDataInput(Namespace: namespace, MetricData: chunk.map(Wire.Datum.init))
            _ = try await json.call(.putMetricData, input, as: EmptyAWSResponse.self)
        }
    }

    /// The awsJson shapes, field names as the API model spells them.
    enum Wire {
        struct Dimension: Codable, Sendable {
            var Name: String
            var Value: String
        }

        struct Metric: Encodable, Sendable {
            var Namespace: String
            var MetricName: String
            var Dimensions: [Dimension]
        }

        struct Stat: Encodable, Sendable {
            var Metric: Metric
            var Period: Int
            var Stat: String
            var Unit: String?
        }

        struct Query: Encodable, Sendable {
            var Id: String
            var MetricStat: Stat?
            var Expression: String?
            var Period: Int?
            var Label: String?
            var ReturnData: Bool

            init(_ query: MetricDataQuery) {
                Id = query.id
                MetricStat = query.metric.map { stat in
                    Stat(Metric: Metric(Namespace: stat.namespace, MetricName: stat.metricName,
                                        Dimensions: stat.dimensions.map { Dimension(Name: $0.name, Value: $0.value) }),
                         Period: stat.period, Stat: stat.statistic, Unit: stat.unit)
                }
                Expression = query.expression
                Period = query.period
                Label = query.label
                ReturnData = query.returnData
            }
        }

        struct GetMetricDataInput: Encodable, Sendable {
            var MetricDataQueries: [Query]
            var StartTime: Date
            var EndTime: Date
            var ScanBy: String
            var MaxDatapoints: Int?
            var NextToken: String?
        }

        struct Result: Decodable {
            var Id: String
            var Label: String?
            var Timestamps: [Date]?
            var Values: [Double]?
            var StatusCode: String?
        }

        struct GetMetricDataOutput: Decodable {
            var MetricDataResults: [Result]?
            var NextToken: String?
        }

        struct Datum: Encodable, Sendable {
            var MetricName: String
            var Dimensions: [Dimension]?
            var Timestamp: Date?
            var Value: Double
            var Unit: String?
            var StorageResolution: Int?

            init(_ datum: MetricDatum) {
                MetricName = datum.metricName
                Dimensions = datum.dimensions.isEmpty ? nil : datum.dimensions.map { Dimension(Name: $0.name, Value: $0.value) }
                Timestamp = datum.timestamp
                Value = datum.value
                Unit = datum.unit
                StorageResolution = datum.storageResolution
            }
        }

        struct PutMetricDataInput: Encodable, Sendable {
            var Namespace: String
            var MetricData: [Datum]
        }
    }
}
