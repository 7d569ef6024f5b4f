/// Where in a (possibly string-wrapped) document a value sits, written the way a user would look
/// for it: `Records[1].body.LifecycleTransition`. Descending into JSON carried inside a string
/// (an SQS body, an SNS Message) adds no component: the string's own key already names it.
public struct JSONPath: Sendable, Equatable, Hashable, CustomStringConvertible {
    public enum Component: Sendable, Equatable, Hashable {
        case key(String)
        case index(Int)
    }

    public private(set) var components: [Component]

    public static let root = JSONPath(components: [])

    public init(components: [Component]) {
        self.components = components
    }

    public func appending(_ key: String) -> JSONPath {
        JSONPath(components: components + [.key(key)])
    }

    public func appending(index: Int) -> JSONPath {
        JSONPath(components: components + [.index(index)])
    }

    public var description: String {
        guard !components.isEmpty else { return "(root)" }
        var text = ""
        for component in components {
            switch component {
            case .key(let key): text += text.isEmpty ? key : ".\(key)"
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }
}
