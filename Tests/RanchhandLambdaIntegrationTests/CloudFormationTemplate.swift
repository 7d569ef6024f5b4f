import Foundation
import RanchhandTestSupport
import Yams

/// Just enough of CloudFormation to render a string property of `infra/handlers.yaml` the way a
/// stack would: `Ref` to parameters (their `Default` when not given), `Fn::Sub` with `${Parameter}`
/// and `${!Literal}`, `Fn::Join`, `Fn::If` over `Conditions` built from `Fn::Not`, `Fn::Equals`,
/// `Fn::And`, `Fn::Or` and `Condition`. Short (`!Sub`) and long (`Fn::Sub:`) forms alike; anything
/// else is an error, never a guess.
struct CloudFormationTemplate {
    struct Unsupported: Error, CustomStringConvertible { let description: String }

    let root: Node.Mapping

    init(path: String) throws {
        let text = try String(contentsOf: ChildProcess.repositoryRoot.appendingPathComponent(path), encoding: .utf8)
        guard let mapping = try Yams.compose(yaml: text)?.mapping else { throw Unsupported(description: "\(path) is not a mapping") }
        root = mapping
    }

    /// `Resources.<logical>.Properties.<property>` rendered with `parameters`.
    func render(_ logical: String, property: String, parameters: [String: String]) throws -> String {
        guard let value = root["Resources"]?.mapping?[logical]?.mapping?["Properties"]?.mapping?[property] else {
            throw Unsupported(description: "no Resources.\(logical).Properties.\(property)")
        }
        return try string(value, parameters)
    }

    private func parameter(_ name: String, _ given: [String: String]) throws -> String {
        if let value = given[name] { return value }
        // A Ref to a DynamoDB table is its TableName, as CloudFormation resolves it.
        if let resource = root["Resources"]?.mapping?[name]?.mapping, resource["Type"]?.string == "AWS::DynamoDB::Table",
           let tableName = resource["Properties"]?.mapping?["TableName"] {
            return try string(tableName, given)
        }
        guard let declared = root["Parameters"]?.mapping?[name]?.mapping else { throw Unsupported(description: "unknown parameter \(name)") }
        guard let fallback = declared["Default"]?.string else { throw Unsupported(description: "parameter \(name) has no Default: give it") }
        return fallback
    }

    /// The intrinsic a node is (`!Sub x` or `{Fn::Sub: x}`), with its argument.
    private func intrinsic(_ node: Node) -> (name: String, argument: Node)? {
        let tag = node.tag.description
        if tag.hasPrefix("!"), tag != "!" {
            let name = String(tag.dropFirst())
            return (name == "Ref" || name == "Condition" ? name : "Fn::" + name, node.withoutTag)
        }
        if let mapping = node.mapping, mapping.count == 1, let key = mapping.keys.first?.string, key == "Ref" || key.hasPrefix("Fn::") || key == "Condition" {
            return (key, mapping.values.first!)
        }
        return nil
    }

    private func string(_ node: Node, _ parameters: [String: String]) throws -> String {
        guard let (name, argument) = intrinsic(node) else {
            guard let scalar = node.scalar?.string else { throw Unsupported(description: "not a string: \(node)") }
            return scalar
        }
        switch name {
        case "Ref":
            return try parameter(argument.scalar?.string ?? "", parameters)
        case "Fn::Sub":
            guard let template = argument.scalar?.string else { throw Unsupported(description: "Fn::Sub with variables is not needed here") }
            return try substitute(template, parameters)
        case "Fn::Join":
            guard let pieces = argument.sequence, pieces.count == 2, let separator = pieces[0].string, let items = pieces[1].sequence else {
                throw Unsupported(description: "malformed Fn::Join")
            }
            return try items.map { try string($0, parameters) }.joined(separator: separator)
        case "Fn::If":
            guard let pieces = argument.sequence, pieces.count == 3, let condition = pieces[0].string else { throw Unsupported(description: "malformed Fn::If") }
            return try string(try holds(condition, parameters) ? pieces[1] : pieces[2], parameters)
        default:
            throw Unsupported(description: "\(name) is not rendered by this test helper")
        }
    }

    private func substitute(_ template: String, _ parameters: [String: String]) throws -> String {
        var out = ""
        var rest = Substring(template)
        while let start = rest.range(of: "${") {
            out += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else { throw Unsupported(description: "unclosed ${ in \(template)") }
            let name = rest[start.upperBound..<end]
            out += name.hasPrefix("!") ? "${\(name.dropFirst())}" : try parameter(String(name), parameters)
            rest = rest[rest.index(after: end)...]
        }
        return out + rest
    }

    private func holds(_ condition: String, _ parameters: [String: String]) throws -> Bool {
        guard let node = root["Conditions"]?.mapping?[condition] else { throw Unsupported(description: "unknown condition \(condition)") }
        return try truth(node, parameters)
    }

    private func truth(_ node: Node, _ parameters: [String: String]) throws -> Bool {
        guard let (name, argument) = intrinsic(node) else { throw Unsupported(description: "not a condition: \(node)") }
        let items = argument.sequence ?? []
        switch name {
        case "Fn::Not": return try !truth(items[0], parameters)
        case "Fn::And": return try items.allSatisfy { try truth($0, parameters) }
        case "Fn::Or": return try items.contains { try truth($0, parameters) }
        case "Fn::Equals": return try string(items[0], parameters) == string(items[1], parameters)
        case "Condition": return try holds(argument.string ?? "", parameters)
        default: throw Unsupported(description: "\(name) is not a condition function")
        }
    }
}

private extension Node {
    /// The same node without its tag (the argument of a short-form intrinsic).
    var withoutTag: Node {
        switch self {
        case .scalar(let scalar): return .scalar(.init(scalar.string))
        case .sequence(let sequence): return .sequence(.init(Array(sequence)))
        case .mapping(let mapping): return .mapping(.init(Array(mapping.map { ($0.key, $0.value) })))
        case .alias: return self
        }
    }
}
