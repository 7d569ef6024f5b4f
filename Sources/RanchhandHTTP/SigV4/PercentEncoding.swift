/// RFC 3986 percent-encoding as AWS uses it everywhere: in SigV4 canonical requests, in query
/// strings and in Query-protocol form bodies.
///
/// Only the unreserved set `A–Z a–z 0–9 - _ . ~` stays as it is; every other UTF-8 byte becomes
/// `%XX` with upper-case hex. This differs from `URLComponents` and from HTML form encoding
/// (which turn space into `+` and leave `*`, `!`, `'` … alone) — AWS rejects those forms.
public enum PercentEncoding {
    /// Encodes every byte outside the unreserved set, `/` included.
    public static func encode(_ string: String) -> String {
        encode(string, keepingSlashes: false)
    }

    /// Encodes a path: like `encode(_:)`, but `/` stays, so segments are encoded and the
    /// separators are not.
    public static func encodePath(_ path: String) -> String {
        encode(path, keepingSlashes: true)
    }

    /// Reverses `%XX` escapes; `nil` for a malformed escape or bytes that are not UTF-8.
    /// `+` is left as `+` (it is not a space in RFC 3986).
    public static func decode(_ string: String) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(string.utf8.count)
        var iterator = string.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                return nil
            }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    private static let upperHexDigits = Array("0123456789ABCDEF".utf8)

    private static func encode(_ string: String, keepingSlashes: Bool) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(string.utf8.count)
        for byte in string.utf8 {
            if isUnreserved(byte) || (keepingSlashes && byte == UInt8(ascii: "/")) {
                output.append(byte)
            } else {
                output.append(UInt8(ascii: "%"))
                output.append(upperHexDigits[Int(byte >> 4)])
                output.append(upperHexDigits[Int(byte & 0x0F)])
            }
        }
        // Every byte written is ASCII, so this never repairs anything.
        return String(decoding: output, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
