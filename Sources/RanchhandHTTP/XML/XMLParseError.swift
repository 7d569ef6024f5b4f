/// Why a document could not be read, and where: the byte offset into the input and the line and
/// column (1-based, column in bytes) so a message can point at the bad spot in a logged body.
public struct XMLParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem it was. A struct over a private enum, so kinds can be added without
    /// breaking anyone's exhaustive switch.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Code: Sendable, Hashable {
            case truncated, mismatchedTag, unknownEntity, invalidReference, invalidName, malformedTag
            case duplicateAttribute, tooDeep, invalidUTF8, invalidCharacter, unexpectedContent
            case doctypeNotSupported, noRootElement
        }

        private let code: Code
        private init(_ code: Code) { self.code = code }

        /// The input ended inside a tag, comment, reference or open element.
        public static let truncated = Kind(.truncated)
        /// A closing tag that does not match the element it closes.
        public static let mismatchedTag = Kind(.mismatchedTag)
        /// `&name;` other than the five XML predefines.
        public static let unknownEntity = Kind(.unknownEntity)
        /// A malformed `&…;` or a character reference to a code point XML does not allow.
        public static let invalidReference = Kind(.invalidReference)
        public static let invalidName = Kind(.invalidName)
        /// Something inside `<…>` that is not a name, an attribute or the end of the tag.
        public static let malformedTag = Kind(.malformedTag)
        public static let duplicateAttribute = Kind(.duplicateAttribute)
        /// Elements nested deeper than the reader's limit.
        public static let tooDeep = Kind(.tooDeep)
        public static let invalidUTF8 = Kind(.invalidUTF8)
        /// A code point XML 1.0 does not allow in a document (NUL, most C0 controls, U+FFFE …).
        public static let invalidCharacter = Kind(.invalidCharacter)
        /// Text or markup where none may be: before or after the root element, or `<!` that is not a
        /// comment or CDATA.
        public static let unexpectedContent = Kind(.unexpectedContent)
        /// A `<!DOCTYPE …>`: never sent by AWS, and refused so no entity expansion can happen.
        public static let doctypeNotSupported = Kind(.doctypeNotSupported)
        /// Empty input, or only whitespace, comments and processing instructions.
        public static let noRootElement = Kind(.noRootElement)

        public var description: String {
            switch code {
            case .truncated: "truncated document"
            case .mismatchedTag: "mismatched closing tag"
            case .unknownEntity: "unknown entity"
            case .invalidReference: "invalid character reference"
            case .invalidName: "invalid name"
            case .malformedTag: "malformed tag"
            case .duplicateAttribute: "duplicate attribute"
            case .tooDeep: "elements nested too deeply"
            case .invalidUTF8: "invalid UTF-8"
            case .invalidCharacter: "character not allowed in XML"
            case .unexpectedContent: "unexpected content"
            case .doctypeNotSupported: "DOCTYPE not supported"
            case .noRootElement: "no root element"
            }
        }
    }

    public let kind: Kind
    /// The specifics, e.g. `expected </Code>, found </Message>`.
    public let detail: String
    /// Byte offset into the input where the problem was found.
    public let offset: Int
    public let line: Int
    public let column: Int

    public init(kind: Kind, detail: String, offset: Int, line: Int, column: Int) {
        self.kind = kind
        self.detail = detail
        self.offset = offset
        self.line = line
        self.column = column
    }

    /// Builds the error for `offset` in `input`, working out line and column only now: errors are
    /// rare, so the reader does not count lines while it runs.
    init(_ kind: Kind, _ detail: String, at offset: Int, in input: [UInt8]) {
        let clamped = min(max(offset, 0), input.count)
        var line = 1
        var lineStart = 0
        for index in 0..<clamped where input[index] == UInt8(ascii: "\n") {
            line += 1
            lineStart = index + 1
        }
        self.init(kind: kind, detail: detail, offset: clamped, line: line, column: clamped - lineStart + 1)
    }

    public var description: String {
        "XML parse error at line \(line), column \(column) (byte \(offset)): \(kind): \(detail)"
    }
}
