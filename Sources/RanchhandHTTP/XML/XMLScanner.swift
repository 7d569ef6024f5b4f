/// Byte-level reading for `XMLReader`: a position in the input plus the small lexical pieces
/// (names, references, quoted values, skipping to a terminator). Every method that can run off the
/// end throws `.truncated` rather than trapping, which is what makes arbitrary input safe.
struct XMLScanner {
    let input: [UInt8]
    var position = 0

    init(_ input: [UInt8]) {
        self.input = input
    }

    var isAtEnd: Bool { position >= input.count }

    func error(_ kind: XMLParseError.Kind, _ detail: String, at offset: Int? = nil) -> XMLParseError {
        XMLParseError(kind, detail, at: offset ?? position, in: input)
    }

    func peek() -> UInt8? {
        position < input.count ? input[position] : nil
    }

    func hasPrefix(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard input.count - position >= count else { return false }
        return literal.withUTF8Buffer { literalBytes in
            literalBytes.indices.allSatisfy { input[position + $0] == literalBytes[$0] }
        }
    }

    /// True when the input ends part-way through `literal` (`<!-` at the very end is a cut-off
    /// comment, not a stray `<!`).
    func endsInside(_ literal: StaticString) -> Bool {
        let remaining = input.count - position
        guard remaining < literal.utf8CodeUnitCount else { return false }
        return literal.withUTF8Buffer { literalBytes in
            (0..<remaining).allSatisfy { input[position + $0] == literalBytes[$0] }
        }
    }

    /// Moves past `literal` if it is next; says whether it was.
    mutating func consume(_ literal: StaticString) -> Bool {
        guard hasPrefix(literal) else { return false }
        position += literal.utf8CodeUnitCount
        return true
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    mutating func skipWhitespace() {
        while let byte = peek(), Self.isWhitespace(byte) { position += 1 }
    }

    /// Returns the bytes up to `terminator` and moves past it (comments, CDATA, PIs).
    mutating func take(until terminator: StaticString, what: String) throws(XMLParseError) -> ArraySlice<UInt8> {
        let start = position
        while !isAtEnd {
            if hasPrefix(terminator) {
                let content = input[start..<position]
                position += terminator.utf8CodeUnitCount
                return content
            }
            position += 1
        }
        throw error(.truncated, "unterminated \(what)", at: start)
    }

    // MARK: - Names

    /// ASCII letters, `_`, `:` and every non-ASCII byte (the UTF-8 of a non-ASCII name character)
    /// may start a name; digits, `-` and `.` may continue one. Stricter checks buy nothing here.
    private static func isNameByte(_ byte: UInt8, first: Bool) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "_"), UInt8(ascii: ":"), 0x80...0xFF:
            return true
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."):
            return !first
        default:
            return false
        }
    }

    /// Reads a qualified name (`ns:Local`) and returns its bytes.
    mutating func name(context: String) throws(XMLParseError) -> ArraySlice<UInt8> {
        let start = position
        guard let first = peek() else { throw error(.truncated, "input ended where \(context) was expected") }
        guard Self.isNameByte(first, first: true) else {
            throw error(.invalidName, "\(context) cannot start with \(Self.describe(first))")
        }
        position += 1
        while let byte = peek(), Self.isNameByte(byte, first: false) { position += 1 }
        return input[start..<position]
    }

    static func describe(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
    }

    // MARK: - References

    /// Reads `&…;` (the scanner is on the `&`) and appends the UTF-8 of what it stands for.
    mutating func reference(into output: inout [UInt8]) throws(XMLParseError) {
        let start = position
        position += 1
        while let byte = peek(), byte == UInt8(ascii: "#") || Self.isNameByte(byte, first: false) {
            position += 1
        }
        guard let terminator = peek() else { throw error(.truncated, "input ended inside a reference", at: start) }
        // The longest legal reference is `&#x10FFFF;`.
        guard terminator == UInt8(ascii: ";"), position - start <= 10 else {
            throw error(.invalidReference, "'&' not followed by a reference ending in ';'", at: start)
        }
        let body = input[(start + 1)..<position]
        position += 1

        if body.first == UInt8(ascii: "#") {
            try appendCharacterReference(body.dropFirst(), start: start, into: &output)
            return
        }
        switch String(decoding: body, as: UTF8.self) {
        case "lt": output.append(UInt8(ascii: "<"))
        case "gt": output.append(UInt8(ascii: ">"))
        case "amp": output.append(UInt8(ascii: "&"))
        case "apos": output.append(UInt8(ascii: "'"))
        case "quot": output.append(UInt8(ascii: "\""))
        case let other: throw error(.unknownEntity, "&\(other); is not one of &lt; &gt; &amp; &apos; &quot;", at: start)
        }
    }

    private func appendCharacterReference(
        _ digits: ArraySlice<UInt8>, start: Int, into output: inout [UInt8]
    ) throws(XMLParseError) {
        let text = String(decoding: digits, as: UTF8.self)
        let isHex = text.hasPrefix("x")
        let number = isHex ? String(text.dropFirst()) : text
        guard !number.isEmpty, number.utf8.allSatisfy({ $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "-") }),
            let value = UInt32(number, radix: isHex ? 16 : 10),
            let scalar = Unicode.Scalar(value), Self.isAllowed(scalar)
        else {
            throw error(.invalidReference, "&#\(text); is not a character XML allows", at: start)
        }
        output.append(contentsOf: String(Character(scalar)).utf8)
    }

    // MARK: - Characters

    /// XML 1.0 `Char`: tab, newline, carriage return, and everything from space up except
    /// surrogates (already impossible in a `Unicode.Scalar`) and U+FFFE/U+FFFF.
    static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D, 0x20...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }

    /// Checks the whole input once up front, so later stages can turn byte runs into `String`s
    /// without re-checking, and so the error points at the first bad byte.
    func validateCharacters() throws(XMLParseError) {
        var iterator = input.makeIterator()
        var decoder = UTF8()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                guard Self.isAllowed(scalar) else {
                    throw error(.invalidCharacter, "U+\(String(scalar.value, radix: 16, uppercase: true))", at: offset)
                }
                offset += UTF8.width(scalar)
            case .emptyInput:
                return
            case .error:
                throw error(.invalidUTF8, "the bytes here are not UTF-8", at: offset)
            }
        }
    }
}

extension XMLScanner {
    /// The input ends part-way through `<!--`, `<![CDATA[` or `<!DOCTYPE`.
    func endsInsideMarkupOpener() -> Bool {
        endsInside("<!--") || endsInside("<![CDATA[") || endsInside("<!DOCTYPE")
    }
}
