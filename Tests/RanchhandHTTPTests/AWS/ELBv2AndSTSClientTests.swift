import Foundation
import RanchhandClients
import RanchhandHTTP
import RanchhandTestSupport
import Testing

@Suite struct ELBv2ClientTests {
    @Test func describeLoadBalancersGivesTheAliasTarget() async throws {
        let seed = try await AWSTestContext.seed()
        let name = MotoServer.uniqueName("lb")
        let created = try await seed.loadBalancer(name)
        let elb = LiveELBv2Client(sender: try await AWSTestContext.motoSender())
        let byName = try await elb.describeLoadBalancers(names: [name], arns: [])
        #expect(byName.count == 1)
        // Compared with what boto3 saw, not with real AWS's zone ids (moto uses a placeholder).
        #expect(byName.first?.dnsName == created.dnsName)
        #expect(byName.first?.canonicalHostedZoneID == HostedZoneID(created.canonicalHostedZoneId))
        #expect(byName.first?.type == "application")
        #expect(byName.first?.scheme == "internet-facing")
        let byARN = try await elb.describeLoadBalancers(names: [], arns: [created.arn])
        #expect(byARN == byName)
        let all = try await elb.describeLoadBalancers(names: [], arns: [])
        #expect(all.contains { $0.arn == created.arn })
    }

    @Test func unknownLoadBalancerIsATypedError() async throws {
        let elb = LiveELBv2Client(sender: try await AWSTestContext.motoSender())
        let error = await clientError { () async throws(ClientError) in
            _ = try await elb.describeLoadBalancers(names: [MotoServer.uniqueName("nolb")], arns: [])
        }
        #expect(error?.code == "LoadBalancerNotFound")
        #expect(error?.statusCode == 400)
    }
}

@Suite struct STSClientTests {
    @Test func assumeRoleReturnsTemporaryCredentials() async throws {
        let sts = LiveSTSClient(sender: try await AWSTestContext.motoSender())
        let role = "arn:aws:iam::123456789012:role/\(MotoServer.uniqueName("role"))"
        let before = Date()
        let credentials = try await sts.assumeRole(AssumeRoleRequest(roleARN: role, sessionName: "ranchhand-test", durationSeconds: 900))
        #expect(!credentials.accessKeyID.isEmpty && credentials.accessKeyID != AWSTestContext.credentials.accessKeyID)
        #expect(!credentials.secretAccessKey.isEmpty && !credentials.sessionToken.isEmpty)
        #expect(credentials.expiration > before)
        #expect(credentials.assumedRoleARN?.hasSuffix("/ranchhand-test") == true)
        #expect(!"\(credentials)".contains(credentials.secretAccessKey))
        #expect(!String(reflecting: credentials).contains(credentials.sessionToken))
    }

    @Test func assumeRoleWithWebIdentityIsSentUnsigned() async throws {
        try await withOwnFaultProxy { proxy, url in
            let sts = LiveSTSClient(sender: AWSTestContext.sender(endpoint: url))
            let role = "arn:aws:iam::123456789012:role/\(MotoServer.uniqueName("irsa"))"
            let credentials = try await sts.assumeRoleWithWebIdentity(AssumeRoleWithWebIdentityRequest(
                roleARN: role, sessionName: "pod", webIdentityToken: "eyJhbGciOiJSUzI1NiJ9.e30.c2ln"))
            #expect(!credentials.accessKeyID.isEmpty && !credentials.sessionToken.isEmpty)
            let requests = try await proxy.log()
            #expect(requests.map(\.action) == ["AssumeRoleWithWebIdentity"])
            // No SigV4 Authorization header, so no credential-scope service.
            #expect(requests.first?.service == nil)
        }
    }
}
