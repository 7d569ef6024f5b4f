import RanchhandEvents

/// Writes the sandbox's responses: keys sorted (as Rancher's Go encoder does), whole numbers
/// without a fraction.
enum SandboxJSON {
    static func bytes(_ value: JSONValue) -> [UInt8] { Array(text(value).utf8) }

    static func text(_ value: JSONValue) -> String {
        var out = ""
        write(value, to: &out)
        return out
    }

    private static func write(_ value: JSONValue, to out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .number(let number):
            if number == number.rounded(), abs(number) < 1e15 { out += String(Int64(number)) } else { out += "\(number)" }
        case .string(let string): quote(string, to: &out)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                write(item, to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { out += "," }
                quote(key, to: &out)
                out += ":"
                write(members[key]!, to: &out)
            }
            out += "}"
        }
    }

    private static func quote(_ string: String, to out: inout String) {
        JSONText.appendQuoted(string, to: &out)
    }
}

/// Small builders so response code reads like the JSON it produces.
extension JSONValue {
    static func str(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
    static func int(_ value: Int) -> JSONValue { .number(Double(value)) }
    static func strings(_ map: [String: String]) -> JSONValue { .object(map.mapValues(JSONValue.string)) }
}
