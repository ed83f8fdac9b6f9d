/// Assembles the server's reply lines, as libcurl hands them to the header callback, into
/// complete replies (`250-first`, `250-second`, `250 last` is one reply). Lines that are not
/// replies are ignored. AUTH challenges (334) are dropped so nothing of the authentication
/// exchange is ever kept.
struct SMTPReplyParser {
    private(set) var replies: [SMTPReply] = []
    private var pendingCode: Int?
    private var pendingLines: [String] = []

    var last: SMTPReply? { replies.last }

    /// The first 4xx/5xx reply: the one that ended the transaction. (libcurl still says QUIT
    /// afterwards, so the last reply is usually the 221 goodbye.)
    var firstFailure: SMTPReply? { replies.first { $0.code >= 400 } }

    mutating func feed(_ rawLine: String) {
        var line = Substring(rawLine)
        while let end = line.last, end == "\r" || end == "\n" {
            line = line.dropLast()
        }
        let digits = line.prefix(3)
        guard digits.count == 3, digits.allSatisfy(\.isASCII), let code = Int(digits), (200...599).contains(code)
        else { return }
        let separator = line.dropFirst(3).first
        guard separator == nil || separator == " " || separator == "-" else { return }
        let text = String(line.dropFirst(4))
        if pendingCode != code {
            pendingLines = []
        }
        pendingCode = code
        pendingLines.append(text)
        if separator != "-" {
            if code != 334 {
                replies.append(SMTPReply(code: code, text: pendingLines.joined(separator: "\n")))
            }
            pendingCode = nil
            pendingLines = []
        }
    }
}
