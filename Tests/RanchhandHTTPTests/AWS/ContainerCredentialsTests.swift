import Foundation
import RanchhandClients
import RanchhandTestSupport
import Testing
@testable import RanchhandHTTP

/// Container credentials (ECS / EKS Pod Identity) against a loopback endpoint served by a few
/// lines of Python: credentials for the right `Authorization` token, 401 otherwise.
@Suite struct ContainerCredentialsTests {
    static let server = """
        import http.server, json, signal, sys, threading
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        token = sys.argv[1]
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.headers.get("Authorization") != token:
                    body, status = {"code": "AccessDenied", "message": "bad authorization token"}, 401
                else:
                    body, status = {"AccessKeyId": "AKIDCONTAINER", "SecretAccessKey": "container-secret",
                                    "Token": "container-token", "Expiration": "2099-01-01T00:00:00Z",
                                    "RoleArn": "arn:aws:iam::123456789012:role/task"}, 200
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            def log_message(self, *args):
                pass
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        print(f"READY http://127.0.0.1:{server.server_address[1]}", flush=True)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        while sys.stdin.buffer.read(4096):
            pass
        """

    @Test func fullURIWithTokenAndTokenFile() async throws {
        let token = "container-auth-\(MotoServer.uniqueName("t"))"
        let endpoint = try await ChildProcess.Server.start(pythonArguments: ["-c", Self.server, token], name: "container credentials")
        let home = try TemporaryHome()
        do {
            let url = endpoint.url + "/v2/credentials/task"
            let byToken = try #require(ContainerCredentialsProvider(
                environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": url, "AWS_CONTAINER_AUTHORIZATION_TOKEN": token],
                transport: AWSTestContext.transport))
            #expect(try await byToken.credentials(at: Date()) == AWSCredentials(
                accessKeyID: "AKIDCONTAINER", secretAccessKey: "container-secret", sessionToken: "container-token",
                expiration: ISO8601Timestamp.date(from: "2099-01-01T00:00:00Z")))

            // The token file wins over the variable and is read on every fetch (EKS rotates it).
            let tokenFile = try home.write("eks-token", token + "\n")
            let byFile = try #require(ContainerCredentialsProvider(
                environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": url, "AWS_CONTAINER_AUTHORIZATION_TOKEN": "stale",
                              "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile],
                transport: AWSTestContext.transport))
            #expect(try await byFile.credentials(at: Date()).accessKeyID == "AKIDCONTAINER")

            let wrong = ContainerCredentialsProvider(url: url, token: "wrong", transport: AWSTestContext.transport)
            let error = await clientError { () async throws(ClientError) in _ = try await wrong.credentials(at: Date()) }
            #expect(error?.statusCode == 401)
            #expect(error?.message.contains("bad authorization token") == true)
            #expect(error?.message.contains(token) == false)
        } catch {
            home.remove()
            await endpoint.stop()
            throw error
        }
        home.remove()
        await endpoint.stop()
    }

    @Test func plainHTTPToANonLocalHostIsRefused() async throws {
        let provider = ContainerCredentialsProvider(url: "http://credentials.example.com/creds", token: "t", transport: AWSTestContext.transport)
        let error = await clientError { () async throws(ClientError) in _ = try await provider.credentials(at: Date()) }
        #expect(error?.kind == .configuration)
        #expect(ContainerCredentialsProvider(environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/x"], transport: AWSTestContext.transport)?.url
                == "http://169.254.170.2/v2/x")
    }
}
