import Testing

@testable import RanchhandHTTP

@Suite("XML writer")
struct XMLWriterTests {
    static let route53Namespace = "https://route53.amazonaws.com/doc/2013-04-01/"

    /// A Route53 ChangeResourceRecordSets body: the request this writer exists for.
    static let changeBatch = XMLElement(
        "ChangeResourceRecordSetsRequest",
        attributes: [.init("xmlns", route53Namespace)],
        children: [
            XMLElement("ChangeBatch", children: [
                XMLElement("Comment", text: "ranchhand: sync <ingress> & \"owner\" tags"),
                XMLElement("Changes", children: [
                    XMLElement("Change", children: [
                        XMLElement("Action", text: "UPSERT"),
                        XMLElement("ResourceRecordSet", children: [
                            XMLElement("Name", text: "app.example.com."),
                            XMLElement("Type", text: "TXT"),
                            XMLElement("TTL", text: "300"),
                            XMLElement("ResourceRecords", children: [
                                XMLElement("ResourceRecord", children: [
                                    XMLElement("Value", text: #""heritage=external-dns,external-dns/owner=ranchhand""#),
                                ]),
                            ]),
                        ]),
                    ]),
                ]),
            ]),
        ]
    )

    @Test("a Route53 change batch: declaration, namespaced root, escaped text")
    func route53Body() throws {
        let written = XMLWriter.documentString(Self.changeBatch)
        #expect(written.hasPrefix(#"<?xml version="1.0" encoding="UTF-8"?><ChangeResourceRecordSetsRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><ChangeBatch>"#))
        #expect(written.contains("<Comment>ranchhand: sync &lt;ingress&gt; &amp; \"owner\" tags</Comment>"))
        #expect(written.contains(#"<Value>"heritage=external-dns,external-dns/owner=ranchhand"</Value>"#))
        #expect(try XMLElement(parsing: XMLWriter.document(Self.changeBatch)) == Self.changeBatch)
    }

    @Test("escaping in text and in attributes")
    func escaping() {
        #expect(XMLWriter.escapedText("a<b>&c\"d'e\r\n\t") == "a&lt;b&gt;&amp;c\"d'e&#13;\n\t")
        #expect(XMLWriter.escapedAttribute("a<b>&c\"d'e\r\n\t") == "a&lt;b&gt;&amp;c&quot;d'e&#13;&#10;&#9;")
        #expect(XMLWriter.escapedText("]]>") == "]]&gt;")
        #expect(XMLWriter.fragment(XMLElement("e", attributes: [.init("k", "\"")])) == #"<e k="&quot;"/>"#)
        #expect(XMLWriter.fragment(XMLElement("e", text: "é 😀")) == "<e>é 😀</e>")
    }

    @Test("write then read gives the same tree: markup characters, quotes, whitespace, non-ASCII")
    func roundTripExamples() throws {
        let tree = XMLElement("Root", attributes: [.init("a", "<&>\"'\t\n\r x"), .init("b", "")], children: [
            XMLElement("Leaf", text: "  leading and trailing  "),
            XMLElement("Markup", text: "<not-a-tag> & &amp; ]]> \"q\" 'a'"),
            XMLElement("Lines", text: "one\r\ntwo\nthree\r"),
            XMLElement("Unicode", text: "José — ሴ — 😀 — 名前"),
            XMLElement("Empty"),
            XMLElement("Spaces", text: "   "),
            XMLElement("Nested", children: [XMLElement("Deeper", children: [XMLElement("Deepest", text: "x")])]),
        ])
        #expect(try XMLElement(parsing: XMLWriter.document(tree)) == tree)
    }

    @Test("write then read gives the same tree for random trees")
    func roundTripRandom() throws {
        var random = WriterRandom(seed: 0x7772_6974)
        for _ in 0..<300 {
            let tree = randomElement(depth: 0, random: &random)
            let written = XMLWriter.document(tree)
            #expect(try XMLElement(parsing: written) == tree, "\(XMLWriter.documentString(tree))")
        }
    }

    /// Text only on leaves (the reader drops whitespace-only text beside child elements, by design),
    /// drawn from an alphabet full of characters that need escaping.
    private func randomElement(depth: Int, random: inout WriterRandom) -> XMLElement {
        let names = ["a", "Member", "item", "Ünïcødé", "x-y.z", "_n1"]
        let alphabet = Array("ab <>&\"';=/\\\t\n\r]]>?!-é😀ሴ\u{7F}\u{FFFD}")
        func string(maximum: UInt64) -> String {
            String((0..<Int(random.next() % maximum)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
        }
        var element = XMLElement(names[Int(random.next() % UInt64(names.count))])
        for index in 0..<Int(random.next() % 3) {
            element.attributes.append(.init("k\(index)", string(maximum: 8)))
        }
        if depth < 4, random.next() % 2 == 0 {
            element.children = (0..<Int(1 + random.next() % 3)).map { _ in randomElement(depth: depth + 1, random: &random) }
        } else {
            element.text = string(maximum: 12)
        }
        return element
    }
}

/// SplitMix64, seeded, so a failing random tree is the same every run.
private struct WriterRandom: RandomNumberGenerator {
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
