import Foundation
import Testing
@testable import RanchhandHTTP

@Suite struct AWSCredentialsTests {
    @Test func descriptionNeverShowsSecrets() {
        let credentials = AWSCredentials(
            accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            sessionToken: "IQoJb3JpZ2luX2VjEXAMPLETOKEN", expiration: Date(timeIntervalSince1970: 1_800_000_000))
        let printed = "\(credentials)"
        #expect(printed.contains("AKIDEXAMPLE"))
        #expect(!printed.contains("wJalrXUtnFEMI"))
        #expect(!printed.contains("IQoJb3JpZ2luX2Vj"))
    }

    @Test func refreshesBeforeExpiry() {
        let expiry = Date(timeIntervalSince1970: 1_000_000)
        let credentials = AWSCredentials(accessKeyID: "a", secretAccessKey: "b", expiration: expiry)
        #expect(!credentials.needsRefresh(at: expiry.addingTimeInterval(-301)))
        #expect(credentials.needsRefresh(at: expiry.addingTimeInterval(-299)))
        #expect(!AWSCredentials(accessKeyID: "a", secretAccessKey: "b").needsRefresh(at: expiry))
    }
}
