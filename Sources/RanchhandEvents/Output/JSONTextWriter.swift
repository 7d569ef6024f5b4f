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
        JSONText.appendQuoted(value, to: &text)
    }
}
