import Foundation

/// A set of AWS credentials as the signer uses them. The secret parts never appear in
/// `description`, so a credentials value can be logged or interpolated into an error safely.
public struct AWSCredentials: Sendable, Equatable, CustomStringConvertible {
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String?
    /// When temporary credentials stop working; `nil` for long-lived keys.
    public var expiration: Date?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Date? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
    }

    /// True when the credentials expire within `margin` of `now` (refresh before, never after).
    public func needsRefresh(at now: Date, margin: TimeInterval = 300) -> Bool {
        guard let expiration else { return false }
        return expiration.timeIntervalSince(now) <= margin
    }

    public var description: String {
        let token = sessionToken == nil ? "no session token" : "session token <redacted>"
        let expiry = expiration.map { ", expires \($0.ISO8601Format())" } ?? ""
        return "AWSCredentials(\(accessKeyID), secret <redacted>, \(token)\(expiry))"
    }
}
