import Foundation

@testable import OSSLWatch
@testable import OSSLWatchTransport

/// The lines an SMTP server sends, as libcurl hands them to the header callback.
enum SMTPReplyHarness {
    static let harness = Harness(
        name: "smtp-reply", summary: "SMTP server lines into SMTPReplyParser; replies carry valid codes"
    ) { data in
        var parser = SMTPReplyParser()
        var lines = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            parser.feed(String(decoding: line, as: UTF8.self) + "\r\n")
            lines += 1
        }
        Invariant.require(parser.replies.count <= lines, "\(parser.replies.count) replies from \(lines) lines")
        for reply in parser.replies {
            Invariant.require((200...599).contains(reply.code), "reply code \(reply.code)")
            Invariant.require(reply.code != 334, "an AUTH challenge was kept")
        }
        if let failure = parser.firstFailure { Invariant.require(failure.code >= 400, "first failure \(failure.code)") }
        Invariant.require(parser.last == parser.replies.last, "last is not the last reply")
    }
}
