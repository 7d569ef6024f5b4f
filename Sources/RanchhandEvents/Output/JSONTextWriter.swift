/// Writes the summary's flat objects as JSON text with a stable key order, which an encoder over a
/// dictionary cannot promise.
struct JSONTextWriter {
    private(set) var text = ""
    private let indent: String?

    init(indent: String? = nil) {
        self.indent = indent
    }

    mutating func object(_ members: [(String, EventSummary.Value)]) {
        text += "{"
        for (offset, (key, value)) in members.enumerated() {
            text += offset == 0 ? "" : ","
            if let indent { text += "\n" + indent }
            string(key)
            text += indent == nil ? ":" : ": "
            switch value {
            case .string(let string): self.string(string)
            case .strings(let strings):
                text += "["
                for (index, item) in strings.enumerated() {
                    if index > 0 { text += indent == nil ? "," : ", " }
                    string(item)
                }
                text += "]"
            }
        }
        if indent != nil, !members.isEmpty { text += "\n" }
        text += "}"
    }

    mutating func string(_ value: String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case "\u{08}": text += "\\b"
            case "\u{0C}": text += "\\f"
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
