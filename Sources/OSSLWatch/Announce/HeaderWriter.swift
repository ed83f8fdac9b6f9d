/// Writes header fields folded at word boundaries: lines stay within 78 characters where the
/// words allow it and never exceed 998 (a longer word is only possible in unstructured text,
/// which is then RFC 2047 encoded in short words instead).
struct HeaderWriter {
    static let softLimit = 78
    static let hardLimit = 998

    private(set) var bytes: [UInt8] = []

    /// Adds `name: word word ...`, folding before a word when the line would pass 78 characters.
    /// Empty words (runs of spaces) are kept but never folded before, so no line is only
    /// whitespace. Words must be free of CR and LF (callers build them from validated parts).
    mutating func add(_ name: String, words: [String]) {
        var line = name + ":"
        for word in words {
            if !word.isEmpty, line.utf8.count + 1 + word.utf8.count > Self.softLimit, line != name + ":" {
                bytes += Array(line.utf8) + [13, 10]
                line = ""
            }
            line += " " + word
        }
        bytes += Array(line.utf8) + [13, 10]
    }

    /// Adds an address list; addresses are separated by commas and folded between words.
    mutating func add(_ name: String, addresses: [MailAddress]) {
        var words: [String] = []
        for (index, address) in addresses.enumerated() {
            var addressWords = address.headerWords
            if index < addresses.count - 1 { addressWords[addressWords.count - 1] += "," }
            words += addressWords
        }
        add(name, words: words)
    }

    /// Adds unstructured text (Subject and extra headers). Control characters become spaces;
    /// leading and trailing spaces are dropped.
    /// ASCII text is folded at its spaces; text that is not ASCII, that contains something a
    /// reader would take for an encoded word (`=?`), or that has a word too long to fold within
    /// 998 characters, is written as RFC 2047 encoded words.
    mutating func addUnstructured(_ name: String, _ value: String) {
        var text = ""
        for scalar in value.unicodeScalars {
            text.unicodeScalars.append(MailAddress.isControl(scalar) ? " " : scalar)
        }
        text = text.trimmingSpaces
        let words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        let foldable =
            text.unicodeScalars.allSatisfy(\.isASCII) && !text.contains("=?")
            && words.allSatisfy { $0.utf8.count + name.utf8.count + 2 <= Self.hardLimit }
        if foldable && !text.isEmpty {
            add(name, words: words)
        } else if text.isEmpty {
            bytes += Array("\(name):".utf8) + [13, 10]
        } else {
            add(name, words: EncodedWord.encode(text, maxWordLength: 68))
        }
    }
}
