/// Splits one line of options into words with simple shell-like rules: blanks separate words;
/// `'…'` keeps everything literally; `"…"` keeps blanks and honours `\"` and `\\`; outside quotes a
/// backslash makes the next character literal. No expansion of any kind (`$`, `~`, globs). An
/// unclosed quote (or a trailing backslash) is an error, never a guess.
public enum CommandLineWords {
    /// Fails with `.unbalancedQuote`, the message saying which quote (by character position).
    public static func split(_ text: String) throws(LambdaConfigurationError) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var iterator = Array(text).enumerated().makeIterator()
        while let (offset, character) = iterator.next() {
            switch character {
            case " ", "\t", "\n", "\r":
                if inWord { words.append(current) }
                current = ""
                inWord = false
            case "'":
                inWord = true
                var closed = false
                while let (_, next) = iterator.next() {
                    if next == "'" { closed = true; break }
                    current.append(next)
                }
                guard closed else { throw LambdaConfigurationError(.unbalancedQuote, "unbalanced single quote (the ' at character \(offset + 1) is never closed)") }
            case "\"":
                inWord = true
                var closed = false
                while let (_, next) = iterator.next() {
                    if next == "\"" { closed = true; break }
                    if next == "\\" {
                        guard let (_, escaped) = iterator.next() else { break }
                        if escaped != "\"" && escaped != "\\" { current.append("\\") }
                        current.append(escaped)
                        continue
                    }
                    current.append(next)
                }
                guard closed else { throw LambdaConfigurationError(.unbalancedQuote, "unbalanced double quote (the \" at character \(offset + 1) is never closed)") }
            case "\\":
                guard let (_, escaped) = iterator.next() else { throw LambdaConfigurationError(.unbalancedQuote, "a trailing backslash escapes nothing") }
                inWord = true
                current.append(escaped)
            default:
                inWord = true
                current.append(character)
            }
        }
        if inWord { words.append(current) }
        return words
    }
}
