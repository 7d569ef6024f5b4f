import RanchhandEvents

extension SandboxWorld {
    enum IMDSAnswer {
        case reply(SandboxReply)
        /// The hop limit swallowed the response.
        case drop
    }

    /// `/latest/api/token`, `/latest/meta-data/…`, `/latest/dynamic/instance-identity/document`.
    func imdsAnswer(_ request: SandboxRequest) -> IMDSAnswer {
        let now = clock.now
        if request.path == "/latest/api/token" {
            guard request.method == "PUT" else { return .reply(.text(405, "Method Not Allowed")) }
            if request.header("X-Forwarded-For") != nil { return .reply(.text(403, "Forbidden")) }
            guard let ttlText = request.header("X-aws-ec2-metadata-token-ttl-seconds"), let ttl = Int(ttlText), (1...21_600).contains(ttl) else {
                return .reply(.text(400, "Bad Request"))
            }
            if imds.callerHops > imds.hopLimit { return .drop }
            let token = "AQAEA" + random.string(51, from: SandboxRandom.lowercaseAlphanumerics)
            imdsTokens[token] = now.advanced(by: .seconds(ttl))
            var reply = SandboxReply.text(200, token)
            reply.headers.append(("X-aws-ec2-metadata-token-ttl-seconds", String(ttl)))
            return .reply(reply)
        }
        guard request.method == "GET" || request.method == "HEAD" else { return .reply(.text(405, "Method Not Allowed")) }
        if let token = request.header("X-aws-ec2-metadata-token") {
            guard let expiry = imdsTokens[token], now < expiry else { return .reply(.text(401, "Unauthorized")) }
        } else if imds.refuseIMDSv1 {
            return .reply(.text(401, "Unauthorized"))
        }
        guard let body = imdsDocument(request.path, now: now) else { return .reply(.text(404, "Not Found", contentType: "text/html")) }
        return .reply(body)
    }

    private func imdsDocument(_ path: String, now: SandboxClock.Instant) -> SandboxReply? {
        if path == "/latest/dynamic/instance-identity/document" {
            return .json(200, .object([
                "accountId": .string(imds.accountID), "architecture": .string("x86_64"), "availabilityZone": .string(imds.availabilityZone),
                "billingProducts": .null, "devpayProductCodes": .null, "marketplaceProductCodes": .null, "imageId": .string(imds.imageID),
                "instanceId": .string(imds.instanceID), "instanceType": .string(imds.instanceType), "kernelId": .null,
                "pendingTime": .string(SandboxDates.rfc3339(clock.startDate)), "privateIp": .string(imds.localIPv4), "ramdiskId": .null,
                "region": .string(imds.region), "version": .string("2017-09-30"),
            ]))
        }
        let prefix = "/latest/meta-data/"
        guard path.hasPrefix(prefix) || path == "/latest/meta-data" else { return nil }
        let key = String(path.dropFirst(min(path.count, prefix.count)))
        var leaves: [String: String] = [
            "instance-id": imds.instanceID, "instance-type": imds.instanceType, "ami-id": imds.imageID,
            "placement/region": imds.region, "placement/availability-zone": imds.availabilityZone,
            "local-ipv4": imds.localIPv4, "local-hostname": imds.localHostname, "hostname": imds.hostname,
        ]
        if let publicIP = imds.publicIPv4 { leaves["public-ipv4"] = publicIP }
        if let state = imds.targetLifecycleState { leaves["autoscaling/target-lifecycle-state"] = state }
        if imds.exposeInstanceTags {
            for (tag, value) in imds.instanceTags { leaves["tags/instance/\(tag)"] = value }
        }
        if let role = imds.iamRole {
            let expiration = imds.credentials.expiration.isEmpty
                ? SandboxDates.rfc3339(clock.date(at: now.advanced(by: .seconds(3600)))) : imds.credentials.expiration
            leaves["iam/security-credentials/\(role)"] = SandboxJSON.text(.object([
                "Code": .string("Success"), "LastUpdated": .string(SandboxDates.rfc3339(clock.date(at: now))), "Type": .string("AWS-HMAC"),
                "AccessKeyId": .string(imds.credentials.accessKeyID), "SecretAccessKey": .string(imds.credentials.secretAccessKey),
                "Token": .string(imds.credentials.token), "Expiration": .string(expiration),
            ]))
        }
        if let leaf = leaves[key] { return .text(200, leaf) }
        // A directory: list its children, sub-directories with a trailing slash.
        let directory = key.isEmpty || key.hasSuffix("/") ? key : key + "/"
        let children = Set(leaves.keys.filter { $0.hasPrefix(directory) }.map { leaf -> String in
            let rest = leaf.dropFirst(directory.count)
            return rest.contains("/") ? String(rest.prefix { $0 != "/" }) + "/" : String(rest)
        })
        guard !children.isEmpty else { return nil }
        return .text(200, children.sorted().joined(separator: "\n"))
    }
}
