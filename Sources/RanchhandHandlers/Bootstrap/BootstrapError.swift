/// The bootstrap agent's one error: what failed and what to do, never a secret. Kinds are open
/// values so new ones can be added without breaking callers.
public struct BootstrapError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// Settings missing, malformed or contradictory; every problem is listed.
        public static let configuration = Kind("configuration")
        /// Who-am-I failed: instance metadata, the group, the hook.
        public static let identity = Kind("identity")
        /// Rancher refused, was unreachable, or the cluster cannot take this node.
        public static let rancher = Kind("rancher")
        /// A command exited with a status that means failure, or could not start.
        public static let command = Kind("command")
        public static let file = Kind("file")
        /// Waited as long as allowed (node never active, token never filled).
        public static let timeout = Kind("timeout")
        /// The host is something the agent does not know how to prepare.
        public static let unsupportedHost = Kind("unsupported host")
        /// A check after an action found the host still not as wanted (an unsupported Docker version).
        public static let verification = Kind("verification")
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    /// Every configuration problem at once, one per line.
    public static func configuration(_ problems: [String]) -> BootstrapError {
        BootstrapError(.configuration, problems.count == 1 ? problems[0] : "configuration problems:\n  " + problems.joined(separator: "\n  "))
    }
}
