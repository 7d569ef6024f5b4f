/// A small non-validating XML reader for AWS responses, over UTF-8 bytes.
///
/// Ours rather than FoundationXML, which links libxml2, ICU and liblzma into every binary. It
/// reads what AWS sends — declaration, comments, processing instructions, CDATA, attributes in
/// either quote, the five predefined entities and numeric character references — and refuses the
/// rest with a typed `XMLParseError` naming the byte offset and line: a `<!DOCTYPE>` (so no entity
/// expansion), unknown entities, mismatched or unclosed tags, and nesting beyond `maximumDepth`.
/// Elements are kept on an explicit stack, so hostile input cannot exhaust the call stack.
public struct XMLReader: Sendable {
    public static let defaultMaximumDepth = 256

    /// The deepest nesting accepted; the root element is depth 1.
    public var maximumDepth: Int

    public init(maximumDepth: Int = XMLReader.defaultMaximumDepth) {
        self.maximumDepth = maximumDepth
    }

    public func parse(_ bytes: some Collection<UInt8>) throws(XMLParseError) -> XMLElement {
        var scanner = XMLScanner(Array(bytes))
        try scanner.validateCharacters()
        _ = scanner.consume("\u{FEFF}")
        try skipMisc(&scanner, before: true)
        let root = try readRootElement(&scanner)
        try skipMisc(&scanner, before: false)
        return root
    }

    public func parse(_ text: String) throws(XMLParseError) -> XMLElement {
        try parse(Array(text.utf8))
    }

    /// Whitespace, comments and processing instructions (the XML declaration is read as one) are
    /// all that may come before and after the root element.
    private func skipMisc(_ scanner: inout XMLScanner, before: Bool) throws(XMLParseError) {
        while true {
            scanner.skipWhitespace()
            if scanner.isAtEnd {
                if before { throw scanner.error(.noRootElement, "the document has no element") }
                return
            }
            if scanner.consume("<!--") {
                _ = try scanner.take(until: "-->", what: "comment")
            } else if scanner.consume("<?") {
                _ = try scanner.take(until: "?>", what: "processing instruction")
            } else if scanner.hasPrefix("<!DOCTYPE") {
                throw scanner.error(.doctypeNotSupported, "documents with a DOCTYPE are refused")
            } else if before, scanner.hasPrefix("<"), !scanner.hasPrefix("<!") {
                return
            } else if scanner.endsInsideMarkupOpener() {
                throw scanner.error(.truncated, "input ended inside markup")
            } else {
                let detail = before ? "text or markup before the root element" : "content after the root element"
                throw scanner.error(.unexpectedContent, detail)
            }
        }
    }

    /// An element whose end tag has not been read yet.
    private struct OpenElement {
        var qualifiedName: ArraySlice<UInt8>
        var element: XMLElement
        var text: [UInt8] = []
        var start: Int
    }

    private func readRootElement(_ scanner: inout XMLScanner) throws(XMLParseError) -> XMLElement {
        let (first, firstIsEmpty) = try readStartTag(&scanner)
        if firstIsEmpty { return first.element }
        var open: [OpenElement] = [first]

        while true {
            guard let byte = scanner.peek() else {
                let innermost = open[open.count - 1]
                let name = String(decoding: innermost.qualifiedName, as: UTF8.self)
                throw scanner.error(.truncated, "input ended inside <\(name)>, opened at byte \(innermost.start)")
            }
            if byte == UInt8(ascii: "&") {
                try scanner.reference(into: &open[open.count - 1].text)
            } else if byte != UInt8(ascii: "<") {
                let start = scanner.position
                while let next = scanner.peek(), next != UInt8(ascii: "<"), next != UInt8(ascii: "&") {
                    scanner.position += 1
                }
                open[open.count - 1].text.append(contentsOf: scanner.input[start..<scanner.position])
            } else if scanner.hasPrefix("</") {
                let closed = try readEndTag(&scanner, closing: open.removeLast())
                if open.isEmpty { return closed }
                open[open.count - 1].element.children.append(closed)
            } else if scanner.consume("<!--") {
                _ = try scanner.take(until: "-->", what: "comment")
            } else if scanner.consume("<![CDATA[") {
                open[open.count - 1].text.append(contentsOf: try scanner.take(until: "]]>", what: "CDATA section"))
            } else if scanner.consume("<?") {
                _ = try scanner.take(until: "?>", what: "processing instruction")
            } else if scanner.endsInsideMarkupOpener() {
                throw scanner.error(.truncated, "input ended inside markup")
            } else if scanner.hasPrefix("<!") {
                throw scanner.error(.unexpectedContent, "'<!' that is neither a comment nor CDATA")
            } else {
                guard open.count < maximumDepth else {
                    throw scanner.error(.tooDeep, "more than \(maximumDepth) levels of elements")
                }
                let (child, isEmpty) = try readStartTag(&scanner)
                if isEmpty {
                    open[open.count - 1].element.children.append(child.element)
                } else {
                    open.append(child)
                }
            }
        }
    }

    /// Reads `<name attr="…" …>` or `<name …/>`; says whether it was the empty-element form.
    private func readStartTag(_ scanner: inout XMLScanner) throws(XMLParseError) -> (OpenElement, isEmpty: Bool) {
        let start = scanner.position
        scanner.position += 1  // "<"
        let qualifiedName = try scanner.name(context: "an element name")
        var element = XMLElement(Self.localName(qualifiedName))

        while true {
            let beforeSpace = scanner.position
            scanner.skipWhitespace()
            if scanner.consume("/>") {
                return (OpenElement(qualifiedName: qualifiedName, element: element, start: start), true)
            }
            if scanner.consume(">") {
                return (OpenElement(qualifiedName: qualifiedName, element: element, start: start), false)
            }
            guard !scanner.isAtEnd, !scanner.endsInside("/>") else {
                throw scanner.error(.truncated, "input ended inside a start tag", at: start)
            }
            guard scanner.position > beforeSpace else {
                let found = scanner.peek().map(XMLScanner.describe) ?? "end of input"
                throw scanner.error(.malformedTag, "expected whitespace, '>' or '/>' but found \(found)")
            }
            let attributeStart = scanner.position
            let attribute = try readAttribute(&scanner)
            guard element.attribute(attribute.name) == nil else {
                throw scanner.error(.duplicateAttribute, "attribute '\(attribute.name)' appears twice", at: attributeStart)
            }
            element.attributes.append(attribute)
        }
    }

    private func readAttribute(_ scanner: inout XMLScanner) throws(XMLParseError) -> XMLElement.Attribute {
        let name = String(decoding: try scanner.name(context: "an attribute name"), as: UTF8.self)
        scanner.skipWhitespace()
        guard scanner.consume("=") else {
            throw scanner.isAtEnd
                ? scanner.error(.truncated, "input ended inside a start tag")
                : scanner.error(.malformedTag, "attribute '\(name)' has no '=' and value")
        }
        scanner.skipWhitespace()
        guard let quote = scanner.peek(), quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else {
            throw scanner.isAtEnd
                ? scanner.error(.truncated, "input ended inside a start tag")
                : scanner.error(.malformedTag, "the value of '\(name)' is not in quotes")
        }
        let valueStart = scanner.position
        scanner.position += 1
        var value: [UInt8] = []
        while true {
            guard let byte = scanner.peek() else {
                throw scanner.error(.truncated, "input ended inside the value of '\(name)'", at: valueStart)
            }
            if byte == quote {
                scanner.position += 1
                return XMLElement.Attribute(name, String(decoding: value, as: UTF8.self))
            } else if byte == UInt8(ascii: "&") {
                try scanner.reference(into: &value)
            } else if byte == UInt8(ascii: "<") {
                throw scanner.error(.malformedTag, "'<' inside the value of '\(name)'")
            } else {
                value.append(byte)
                scanner.position += 1
            }
        }
    }

    /// Reads `</name>` for `closing` and returns the finished element.
    private func readEndTag(_ scanner: inout XMLScanner, closing: OpenElement) throws(XMLParseError) -> XMLElement {
        let tagStart = scanner.position
        scanner.position += 2  // "</"
        let name = try scanner.name(context: "a closing tag name")
        let expected = String(decoding: closing.qualifiedName, as: UTF8.self)
        guard name.elementsEqual(closing.qualifiedName) else {
            let found = String(decoding: name, as: UTF8.self)
            throw scanner.error(.mismatchedTag, "expected </\(expected)>, found </\(found)>", at: tagStart)
        }
        scanner.skipWhitespace()
        guard scanner.consume(">") else {
            throw scanner.isAtEnd
                ? scanner.error(.truncated, "input ended inside </\(expected)>", at: tagStart)
                : scanner.error(.malformedTag, "</\(expected) is not closed by '>'")
        }
        var element = closing.element
        let onlyIndentation = closing.text.allSatisfy(XMLScanner.isWhitespace)
        if element.children.isEmpty || !onlyIndentation {
            element.text = String(decoding: closing.text, as: UTF8.self)
        }
        return element
    }

    private static func localName(_ qualifiedName: ArraySlice<UInt8>) -> String {
        let local = qualifiedName.lastIndex(of: UInt8(ascii: ":")).map { qualifiedName[($0 + 1)...] } ?? qualifiedName
        return String(decoding: local.isEmpty ? qualifiedName : local, as: UTF8.self)
    }
}
