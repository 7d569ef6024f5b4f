import Testing
import RanchhandEvents

/// Cases in the spirit of JSONTestSuite (y_ must parse, n_ must be rejected).
@Suite struct JSONParserTests {
    @Test(arguments: [
        (#"{"a":[1,-2.5e3,true,false,null,"x"]}"#, JSONValue.object(["a": .array([.number(1), .number(-2500), .bool(true), .bool(false), .null, .string("x")])])),
        (#" [ ] "#, .array([])),
        (#""\u00e9\ud83d\ude80\n\/""#, .string("é🚀\n/")),
        (#"0"#, .number(0)),
        (#"-0.0e+1"#, .number(-0.0)),
        (#"{"k":1,"k":2}"#, .object(["k": .number(2)])),
    ])
    func acceptsValidJSON(text: String, expected: JSONValue) throws {
        #expect(try JSONValue.parse(text) == expected)
    }

    @Test(arguments: [
        "", " ", "{", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "-", "1e", "+1", "tru", "nul", "'x'", "\"\\x\"",
        "\"\\ud800\"", "\"\\udc00\"", "\"\\u12G4\"", "\"tab\there\"", "{\"a\" 1}", "[1 2]", "{1:2}", "\"unterminated",
        "[1]x", "NaN", "Infinity",
    ])
    func rejectsInvalidJSON(text: String) {
        #expect(throws: (any Error).self) { try JSONValue.parse(text) }
    }

    @Test func rejectsInvalidUTF8AndExcessiveDepth() {
        #expect(throws: (any Error).self) { try JSONValue.parse([0x22, 0xC3, 0x28, 0x22]) }
        #expect(throws: (any Error).self) { try JSONValue.parse(String(repeating: "[", count: 513) + String(repeating: "]", count: 513)) }
        #expect((try? JSONValue.parse(String(repeating: "[", count: 512) + String(repeating: "]", count: 512))) != nil)
    }
}
