import Testing

@testable import RanchhandHTTP

@Suite("XML reader")
struct XMLReaderTests {
    // MARK: - What it reads

    @Test("declaration, comments, PIs, CDATA, self-closing tags and both quote styles")
    func syntax() throws {
        let document = """
            \u{FEFF}<?xml version="1.0" encoding="UTF-8"?>
            <!-- leading comment -->
            <?app instruction?>
            <r:Root xmlns:r="urn:x" a='single "quoted"' b="double 'quoted'">
              <!-- between children -->
              <Empty/>
              <EmptyWithSpace   />
              <Data><![CDATA[<not> & a tag]]></Data>
              <Mixed>a<![CDATA[b]]>c<!-- gone --><?pi?>d</Mixed>
              <r:Prefixed>x</r:Prefixed>
            </r:Root>
            <!-- trailing comment -->
            """
        let root = try XMLElement(parsing: document)
        #expect(root.name == "Root")
        #expect(root.attributes == [.init("xmlns:r", "urn:x"), .init("a", #"single "quoted""#), .init("b", "double 'quoted'")])
        #expect(root.children.map(\.name) == ["Empty", "EmptyWithSpace", "Data", "Mixed", "Prefixed"])
        #expect(root.text(of: "Empty") == "")
        #expect(root.text(of: "Data") == "<not> & a tag")
        #expect(root.text(of: "Mixed") == "abcd")
        #expect(root.text(of: "Prefixed") == "x")
    }

    @Test("entities and numeric character references, in text and attributes")
    func references() throws {
        let root = try XMLElement(parsing: #"<a t="&lt;&#x2F;&#47;&quot;">&lt;&gt;&amp;&apos;&quot;&#10;&#x2F;&#x1F600;&#233;</a>"#)
        #expect(root.text == "<>&'\"\n/😀é")
        #expect(root.attribute("t") == #"<//""#)
    }

    @Test("leaf text is kept exactly; indentation between children is dropped")
    func whitespace() throws {
        let root = try XMLElement(parsing: "<a>\n  <b>  spaced  </b>\n  <c>\n\tline\n</c>\n  <d>   </d>\n</a>")
        #expect(root.text == "")
        #expect(root.text(of: "b") == "  spaced  ")
        #expect(root.text(of: "c") == "\n\tline\n")
        #expect(root.text(of: "d") == "   ")
    }

    @Test("non-ASCII names and text")
    func unicode() throws {
        let root = try XMLElement(parsing: "<Grüße><名前>José — ሴ 😀</名前></Grüße>")
        #expect(root.name == "Grüße")
        #expect(root.text(of: "名前") == "José — ሴ 😀")
    }

    @Test("typed values")
    func typedValues() throws {
        let root = try XMLElement(parsing: """
            <v><i> 42 </i><n>-7</n><t>True</t><f>false</f><x>yes</x><d>2015-08-30T12:36:00Z</d>\
            <ms>2015-08-30T12:36:00.250Z</ms><o>2015-08-30T14:36:00+02:00</o><bad>30/08/2015</bad><p>0.5</p></v>
            """)
        #expect(root.int(of: "i") == 42 && root.int(of: "n") == -7 && root.int(of: "t") == nil)
        #expect(root.bool(of: "t") == true && root.bool(of: "f") == false && root.bool(of: "x") == nil)
        #expect(root.date(of: "d")?.timeIntervalSince1970 == 1_440_938_160)
        #expect(root.date(of: "ms")?.timeIntervalSince1970 == 1_440_938_160.25)
        #expect(root.date(of: "o")?.timeIntervalSince1970 == 1_440_938_160)
        #expect(root.date(of: "bad") == nil && root.date(of: "missing") == nil)
        #expect(root.double(of: "p") == 0.5)
    }

    @Test("nesting up to the limit is fine; one more level is refused")
    func depthLimit() throws {
        func nested(_ depth: Int) -> String {
            String(repeating: "<e>", count: depth) + "x" + String(repeating: "</e>", count: depth)
        }
        #expect(throws: Never.self) { try XMLElement(parsing: nested(XMLReader.defaultMaximumDepth)) }
        let error = try parseError(nested(XMLReader.defaultMaximumDepth + 1))
        #expect(error.kind == .tooDeep)
        #expect(error.offset == 3 * XMLReader.defaultMaximumDepth)
        #expect(throws: XMLParseError.self) { try XMLReader(maximumDepth: 2).parse("<a><b><c/></b></a>") }
        // Far deeper input fails the same way, without recursion.
        #expect(try parseError(nested(100_000)).kind == .tooDeep)
    }

    // MARK: - What it refuses

    @Test("malformed documents give a typed error with kind, offset and line", arguments: [
        ("<a><b></a>", XMLParseError.Kind.mismatchedTag, 6, 1),
        ("<a>\n<b>\n</c></a>", .mismatchedTag, 8, 3),
        ("<a>&nbsp;</a>", .unknownEntity, 3, 1),
        ("<a>&amp</a>", .invalidReference, 3, 1),
        ("<a>&#0;</a>", .invalidReference, 3, 1),
        ("<a>&#xD800;</a>", .invalidReference, 3, 1),
        ("<a>&#x110000;</a>", .invalidReference, 3, 1),
        ("<a>&#-5;</a>", .invalidReference, 3, 1),
        ("<a x=\"1\" x=\"2\"/>", .duplicateAttribute, 9, 1),
        ("<a x=1/>", .malformedTag, 5, 1),
        ("<a x=\"1\"y=\"2\"/>", .malformedTag, 8, 1),
        ("<a x=\"<\"/>", .malformedTag, 6, 1),
        ("<1a/>", .invalidName, 1, 1),
        ("< a/>", .invalidName, 1, 1),
        ("", .noRootElement, 0, 1),
        ("  <!-- only a comment -->\n", .noRootElement, 26, 2),
        ("text<a/>", .unexpectedContent, 0, 1),
        ("<a/><b/>", .unexpectedContent, 4, 1),
        ("<a/>trailing", .unexpectedContent, 4, 1),
        ("<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>", .doctypeNotSupported, 0, 1),
        ("<a><!ELEMENT b></a>", .unexpectedContent, 3, 1),
        ("<a>\u{01}</a>", .invalidCharacter, 3, 1),
        ("<a>\0</a>", .invalidCharacter, 3, 1),
    ])
    func malformed(document: String, kind: XMLParseError.Kind, offset: Int, line: Int) throws {
        let error = try parseError(document)
        #expect(error.kind == kind, "\(error)")
        #expect(error.offset == offset, "\(error)")
        #expect(error.line == line, "\(error)")
    }

    @Test("invalid UTF-8 is refused at the first bad byte")
    func invalidUTF8() throws {
        var bytes = Array("<a>ok".utf8)
        bytes += [0xC3, 0x28]  // a lead byte followed by ASCII
        bytes += Array("</a>".utf8)
        let error = try parseError(bytes)
        #expect(error.kind == .invalidUTF8 && error.offset == 5)
        #expect(try parseError([0x3C, 0x61, 0x3E, 0xED, 0xA0, 0x80, 0x3C, 0x2F, 0x61, 0x3E]).kind == .invalidUTF8)  // CESU surrogate
        #expect(try parseError([0x3C, 0x61, 0x3E, 0xC0, 0xAF, 0x3C, 0x2F, 0x61, 0x3E]).kind == .invalidUTF8)  // overlong "/"
    }

    @Test("every truncation of a valid document is refused as truncated (or as having no root)")
    func everyTruncation() throws {
        let document = Array(#"<?xml version="1.0"?><a x="1&amp;2"><b>t&#x41;</b><!--c--><![CDATA[d]]><c/></a>"#.utf8)
        for length in 0..<document.count {
            let error = try parseError(Array(document[..<length]))
            #expect(error.kind == .truncated || error.kind == .noRootElement, "cut at \(length): \(error)")
            #expect(error.offset <= length)
        }
    }

    @Test("error descriptions say what, where and why")
    func description() throws {
        let error = try parseError("<Response>\n  <Code>x</Message>\n</Response>")
        #expect(error.description == "XML parse error at line 2, column 10 (byte 20): mismatched closing tag: expected </Code>, found </Message>")
    }

    @Test("random byte mutations of a valid document never crash: a tree or an XMLParseError")
    func mutations() throws {
        let original = Array("""
            <?xml version="1.0" encoding="UTF-8"?>
            <DescribeAutoScalingGroupsResponse xmlns="https://autoscaling.amazonaws.com/doc/2011-01-01/">
              <DescribeAutoScalingGroupsResult><AutoScalingGroups><member a='1' b="&quot;">
                <AutoScalingGroupName>my-asg &amp; ሴ</AutoScalingGroupName><Tags/><!-- c -->
                <CreatedTime>2023-05-06T17:47:15.107Z</CreatedTime><X><![CDATA[<y>]]>&#10;&#x2F;</X>
              </member></AutoScalingGroups></DescribeAutoScalingGroupsResult>
            </DescribeAutoScalingGroupsResponse>
            """.utf8)
        let interesting = Array("<>/&;#x=\"'![]-?: \n\u{0}".utf8) + [0xC3, 0xE1, 0xFF, 0x80]
        var random = FuzzRandom(seed: 0x584D_4C21)
        var failures = 0
        for _ in 0..<3_000 {
            var bytes = original
            for _ in 0..<(1 + Int(random.next() % 4)) {
                let position = Int(random.next() % UInt64(bytes.count))
                let byte = random.next() % 2 == 0
                    ? interesting[Int(random.next() % UInt64(interesting.count))] : UInt8(truncatingIfNeeded: random.next())
                switch random.next() % 4 {
                case 0: bytes[position] = byte
                case 1: bytes.insert(byte, at: position)
                case 2: bytes.remove(at: position)
                default: bytes.removeSubrange(position...)
                }
                if bytes.isEmpty { bytes = [byte] }
            }
            do throws(XMLParseError) {
                _ = try XMLReader().parse(bytes)
            } catch {
                failures += 1
                #expect(error.offset >= 0 && error.offset <= bytes.count)
                #expect(error.line >= 1 && error.column >= 1)
            }
        }
        #expect(failures > 1_000)  // the mutations do reach the error paths
    }

    // MARK: - Helpers

    private func parseError(_ text: String) throws -> XMLParseError {
        try parseError(Array(text.utf8))
    }

    private func parseError(_ bytes: [UInt8]) throws -> XMLParseError {
        switch Result(catching: { () throws(XMLParseError) in try XMLReader().parse(bytes) }) {
        case .success(let element):
            Issue.record("expected an error, parsed \(element)")
            throw UnexpectedSuccess()
        case .failure(let error):
            return error
        }
    }
}

private struct UnexpectedSuccess: Error {}

/// SplitMix64: a seeded generator so the mutation test is the same every run.
private struct FuzzRandom: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
