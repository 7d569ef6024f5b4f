import Foundation

/// One element of an XML document, as read by `XMLReader` or written by `XMLWriter`.
///
/// Deliberately small: a local name, attributes in document order, child elements, and text.
/// Namespaces are not resolved — AWS responses put one default namespace on the root and the
/// decoders only care about local names — but `xmlns` declarations stay in `attributes`.
public struct XMLElement: Sendable, Equatable {
    public struct Attribute: Sendable, Equatable {
        /// As written, prefix included (`xmlns`, `xsi:type`).
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The local name: `Route53:Name` is read as `Name`.
    public var name: String
    public var attributes: [Attribute]
    public var children: [XMLElement]
    /// For an element without children, its text exactly as sent (entities decoded, leading and
    /// trailing spaces kept). For an element with children, whitespace between them is
    /// indentation and is dropped, so this is empty unless the element mixes text and elements.
    public var text: String

    public init(_ name: String, attributes: [Attribute] = [], children: [XMLElement] = [], text: String = "") {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.text = text
    }

    /// Reads a UTF-8 document with the default depth limit; see `XMLReader`.
    public init(parsing bytes: some Collection<UInt8>) throws(XMLParseError) {
        self = try XMLReader().parse(bytes)
    }

    public init(parsing text: String) throws(XMLParseError) {
        self = try XMLReader().parse(Array(text.utf8))
    }

    // MARK: - Finding elements

    /// The first child called `name`.
    public func child(_ name: String) -> XMLElement? {
        children.first { $0.name == name }
    }

    /// Every child called `name`, in document order.
    public func children(_ name: String) -> [XMLElement] {
        children.filter { $0.name == name }
    }

    /// Follows `/`-separated child names from this element, taking the first match at each step:
    /// `response.first(path: "DescribeAutoScalingGroupsResult/AutoScalingGroups")`.
    public func first(path: String) -> XMLElement? {
        var current = self
        for step in path.split(separator: "/") {
            guard let next = current.child(String(step)) else { return nil }
            current = next
        }
        return current
    }

    /// The entries of an AWS list: `<wrapper><member>…</member>…</wrapper>`. Query-protocol
    /// services name entries `member`; EC2 names them `item`. Empty when the wrapper is absent,
    /// which is how AWS sends an empty list.
    public func list(_ wrapper: String, entry: String = "member") -> [XMLElement] {
        first(path: wrapper)?.children(entry) ?? []
    }

    public func attribute(_ name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }

    // MARK: - Reading values

    /// The text of the child (or `/`-separated path) named, or `nil` when it is absent.
    public func text(of path: String) -> String? {
        first(path: path)?.text
    }

    /// The text as an integer, ignoring surrounding whitespace.
    public var intValue: Int? { Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) }

    public var doubleValue: Double? { Double(text.trimmingCharacters(in: .whitespacesAndNewlines)) }

    /// `true` / `false`, as AWS writes booleans (case-insensitive, surrounding whitespace ignored).
    public var boolValue: Bool? {
        switch text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() {
        case "true": true
        case "false": false
        default: nil
        }
    }

    /// ISO 8601 with or without fractional seconds (`2015-08-30T12:36:00Z`,
    /// `2015-08-30T12:36:00.000Z`), as AWS writes timestamps.
    public var dateValue: Date? { ISO8601Timestamp.date(from: text) }

    public func int(of path: String) -> Int? { first(path: path)?.intValue }
    public func double(of path: String) -> Double? { first(path: path)?.doubleValue }
    public func bool(of path: String) -> Bool? { first(path: path)?.boolValue }
    public func date(of path: String) -> Date? { first(path: path)?.dateValue }
}

/// Reading AWS's ISO 8601 timestamps, which come with and without fractional seconds depending on
/// the service and field.
public enum ISO8601Timestamp {
    private static let whole = Date.ISO8601FormatStyle()
    private static let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    public static func date(from text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let date = try? whole.parse(trimmed) { return date }
        return try? fractional.parse(trimmed)
    }
}
