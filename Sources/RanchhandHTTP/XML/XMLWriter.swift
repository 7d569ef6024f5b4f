/// Writes `XMLElement` trees as request bodies (Route53's `ChangeResourceRecordSetsRequest` and
/// the like): UTF-8, no indentation, everything `XMLReader` reads back to the same tree.
/// Strings must hold only characters XML 1.0 allows (no NUL or other C0 controls besides tab,
/// newline and carriage return); no reader, AWS's included, accepts those in any form.
///
/// ```swift
/// let body = XMLWriter.document(
///     XMLElement("ChangeResourceRecordSetsRequest",
///                attributes: [.init("xmlns", "https://route53.amazonaws.com/doc/2013-04-01/")],
///                children: [XMLElement("ChangeBatch", children: [...])]))
/// ```
public enum XMLWriter {
    public static let declaration = #"<?xml version="1.0" encoding="UTF-8"?>"#

    /// The declaration followed by `root`, as the UTF-8 bytes of a request body.
    public static func document(_ root: XMLElement) -> [UInt8] {
        Array(documentString(root).utf8)
    }

    public static func documentString(_ root: XMLElement) -> String {
        declaration + fragment(root)
    }

    /// `element` alone, without the declaration.
    public static func fragment(_ element: XMLElement) -> String {
        var output = ""
        write(element, to: &output)
        return output
    }

    /// Text content: `&`, `<` and `>` (the last so `]]>` can never appear), and carriage returns,
    /// which a conforming reader would otherwise turn into newlines.
    public static func escapedText(_ text: String) -> String {
        escaped(text, inAttribute: false)
    }

    /// An attribute value in double quotes: the text escapes plus `"`, and tab and newline, which
    /// a conforming reader would otherwise normalise to spaces.
    public static func escapedAttribute(_ value: String) -> String {
        escaped(value, inAttribute: true)
    }

    private static func write(_ element: XMLElement, to output: inout String) {
        output += "<" + element.name
        for attribute in element.attributes {
            output += " \(attribute.name)=\"\(escapedAttribute(attribute.value))\""
        }
        if element.children.isEmpty && element.text.isEmpty {
            output += "/>"
            return
        }
        output += ">" + escapedText(element.text)
        for child in element.children {
            write(child, to: &output)
        }
        output += "</\(element.name)>"
    }

    private static func escaped(_ text: String, inAttribute: Bool) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"" where inAttribute: output += "&quot;"
            case "\t" where inAttribute: output += "&#9;"
            case "\n" where inAttribute: output += "&#10;"
            case "\r": output += "&#13;"
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }
}
