import RanchhandClients
import Testing
@testable import RanchhandHTTP

@Suite("Kubernetes watch bodies")
struct KubernetesWatchStreamTests {
    static let added = #"{"type":"ADDED","object":{"metadata":{"name":"a","namespace":"default","resourceVersion":"12"},"spec":{"rules":[{"host":"a.example.com"}]}}}"#

    func events(_ text: String, from version: String = "10") throws(ClientError) -> IngressWatchBatch {
        try WatchStream.events(in: Array(text.utf8), from: version, operation: "watch")
    }

    @Test func aCutOffLastLineIsDroppedAndResumedBefore() throws {
        let batch = try events(Self.added + "\n" + #"{"type":"MODIFIED","object":{"metad"#)
        #expect(batch.events.count == 1 && batch.resourceVersion == "12" && !batch.expired)
    }

    @Test func theRecordedInStreamExpiryMeansRelist() throws {
        // The real event quoted in the reference (route53-and-ingress.md C.2).
        let gone = #"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 52869594 (52871049)","reason":"Gone","code":410}}"#
        let batch = try events(Self.added + "\n" + gone + "\n")
        #expect(batch.expired && batch.events.count == 1)
        #expect(try events(#"{"type":"ERROR","object":{"kind":"Status","reason":"Expired","code":410}}"#).expired)
    }

    @Test func otherErrorsAndUnknownEventsAreThrown() {
        #expect(throws: ClientError.self) {
            try events(#"{"type":"ERROR","object":{"kind":"Status","reason":"InternalError","message":"boom","code":500}}"# + "\n")
        }
        #expect(throws: ClientError.self) { try events(#"{"type":"SURPRISE","object":{}}"# + "\n") }
        #expect(throws: ClientError.self) { try events("not json\n" + Self.added + "\n") }
    }

    @Test func anEmptyBodyKeepsThePosition() throws {
        #expect(try events("", from: "77") == IngressWatchBatch(events: [], resourceVersion: "77", expired: false))
    }
}
