import Foundation
import Testing

@testable import OSSLWatch

@Suite struct MailMessageTests {
    private func message(subject: String = "Hello", body: String = "Body\n", cc: [MailAddress] = [])
        throws -> MailMessage
    {
        try MailMessage(
            from: MailAddress(parsing: "osslwatch <osslwatch@example.org>"),
            to: [MailAddress(parsing: "list@example.org")], cc: cc, subject: subject, date: AnnounceFixtures.date,
            messageID: MailMessage.messageID(run: 12, kind: .announcement, domain: "example.org"), body: body)
    }

    private func header(_ name: String, in bytes: [UInt8]) -> String? {
        AnnounceFixtures.split(bytes).headers.first { $0.name == name }?.value
    }

    @Test func writesTheRequiredHeaders() throws {
        let bytes = try message().rfc5322()
        let headers = AnnounceFixtures.split(bytes).headers.map(\.name)
        #expect(
            headers == [
                "Date", "Message-ID", "From", "To", "Subject", "MIME-Version", "Content-Type",
                "Content-Transfer-Encoding",
            ])
        #expect(header("Date", in: bytes) == "Tue, 30 Sep 2025 14:00:00 +0000")
        #expect(header("Message-ID", in: bytes) == "<osslwatch.run-12.announcement@example.org>")
        #expect(header("Content-Type", in: bytes) == "text/plain; charset=utf-8")
        #expect(header("Content-Transfer-Encoding", in: bytes) == "7bit")
        #expect(AnnounceFixtures.split(bytes).body == Array("Body\r\n".utf8))
    }

    @Test func messageIDIsFixedPerRunAndKind() {
        #expect(
            MailMessage.messageID(run: 12, kind: .securityAnnouncement, domain: "Example.org")
                == "<osslwatch.run-12.security-announcement@example.org>")
        #expect(
            MailMessage.messageID(run: 3, kind: .notice, domain: "bad domain\r\n")
                == "<osslwatch.run-3.notice@localhost>")
        #expect(throws: MailError.self) {
            try MailMessage(
                from: MailAddress(parsing: "a@b.example"), to: [], subject: "s", date: Date(),
                messageID: "<x@y>\r\nBcc: victim@example.org", body: "")
        }
    }

    @Test func ccIsOmittedWhenEmptyAndListedOtherwise() throws {
        #expect(header("Cc", in: try message().rfc5322()) == nil)
        let cc = [try MailAddress(parsing: "A <a@example.org>"), try MailAddress(parsing: "b@example.org")]
        #expect(header("Cc", in: try message(cc: cc).rfc5322()) == "A <a@example.org>, b@example.org")
    }

    @Test(arguments: [
        "PyCA cryptography 46.0.2 released",
        "Ünïcödé subject with “quotes” and an emoji 🔐 in it",
        "日本語の件名はとても長くなることがありますので、折り返しが必要になります。日本語の件名はとても長くなることがあります",
        "Looks like an encoded word =?utf-8?Q?hi?= but is not",
        String(repeating: "word ", count: 40) + "end",
        String(repeating: "x", count: 1500),
        "Mostly ASCII with one é in a rather long subject line that has to be folded somewhere",
    ])
    func subjectRoundTripsThroughRFC2047(subject: String) throws {
        let bytes = try message(subject: subject).rfc5322()
        let head = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n\r\n")[0]
        #expect(head.unicodeScalars.allSatisfy { $0.isASCII })
        for line in head.components(separatedBy: "\r\n") {
            #expect(line.utf8.count <= 78, "\(line)")
            #expect(!line.allSatisfy { $0 == " " })
        }
        let raw = try #require(header("Subject", in: bytes))
        #expect(AnnounceFixtures.decodeHeader(raw) == subject)
    }

    @Test func subjectCannotInjectHeaders() throws {
        for subject in ["x\r\nBcc: victim@example.org", "x\nBcc: victim@example.org", "x\rBcc: v@e.org\r\n\r\nbody"] {
            let bytes = try message(subject: subject).rfc5322()
            let (headers, body) = AnnounceFixtures.split(bytes)
            #expect(!headers.contains { $0.name.lowercased() == "bcc" })
            #expect(headers.filter { $0.name == "Subject" }.count == 1)
            #expect(body == Array("Body\r\n".utf8))
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(!text.contains("\r\nBcc:"))
        }
    }

    @Test func extraHeaderValuesCannotInjectAndNamesAreChecked() throws {
        var mail = try message()
        mail.extraHeaders = [try MailHeader(name: "X-OSSLWatch-Run", value: "12\r\nBcc: victim@example.org")]
        let headers = AnnounceFixtures.split(mail.rfc5322()).headers
        #expect(headers.first { $0.name == "X-OSSLWatch-Run" }?.value == "12  Bcc: victim@example.org")
        #expect(!headers.contains { $0.name == "Bcc" })
        #expect(throws: MailError.self) { try MailHeader(name: "Bcc", value: "x") }
        #expect(throws: MailError.self) { try MailHeader(name: "X-A: b\r\nBcc", value: "x") }
        #expect(throws: MailError.self) { try MailHeader(name: "", value: "x") }
    }

    @Test func bareLineEndsAreNormalisedToCRLF() throws {
        let bytes = try message(body: "one\ntwo\r\nthree\rfour\r\n\r\nsix").rfc5322()
        #expect(AnnounceFixtures.split(bytes).body == Array("one\r\ntwo\r\nthree\r\nfour\r\n\r\nsix\r\n".utf8))
        for (index, byte) in bytes.enumerated() {
            if byte == 10 { #expect(index > 0 && bytes[index - 1] == 13) }
            if byte == 13 { #expect(index + 1 < bytes.count && bytes[index + 1] == 10) }
        }
    }

    @Test func longLinesAndNonASCIIUseQuotedPrintable() throws {
        let long = String(repeating: "abcdefghij", count: 200)
        let body = "Grüße aus Zürich = 100%\n\(long)\ntrailing space \ntrailing tab\t\n\n.\nend"
        let bytes = try message(body: body).rfc5322()
        #expect(header("Content-Transfer-Encoding", in: bytes) == "quoted-printable")
        let encoded = AnnounceFixtures.split(bytes).body
        let text = String(decoding: encoded, as: UTF8.self)
        #expect(text.unicodeScalars.allSatisfy { $0.isASCII })
        for line in text.components(separatedBy: "\r\n") {
            #expect(line.utf8.count <= 76, "\(line)")
            #expect(line.last != " " && line.last != "\t")
        }
        #expect(text.contains("Gr=C3=BC=C3=9Fe aus Z=C3=BCrich =3D 100%\r\n"))
        #expect(text.contains("trailing space=20\r\n"))
        #expect(text.contains("trailing tab=09\r\n"))
        let decoded = AnnounceFixtures.decodeQuotedPrintable(encoded)
        #expect(String(decoding: decoded, as: UTF8.self) == body + "\n")
    }

    @Test func asciiLineOf998OctetsStaysSevenBitAnd999DoesNot() throws {
        let fits = try message(body: String(repeating: "a", count: 998)).rfc5322()
        #expect(header("Content-Transfer-Encoding", in: fits) == "7bit")
        let over = try message(body: String(repeating: "a", count: 999)).rfc5322()
        #expect(header("Content-Transfer-Encoding", in: over) == "quoted-printable")
    }

    @Test func quotedPrintableSoftBreaksNeverSplitAnEscape() {
        // Line lengths around the 76 limit with escapes at every offset.
        for prefix in 70...78 {
            let line = Array(String(repeating: "a", count: prefix).utf8) + Array("é=ü".utf8) + [32]
            let encoded = QuotedPrintable.encode(lines: [line])
            let text = String(decoding: encoded, as: UTF8.self)
            for part in text.components(separatedBy: "\r\n") {
                #expect(part.utf8.count <= 76)
                if let equals = part.lastIndex(of: "="), part.index(after: equals) != part.endIndex {
                    #expect(part.distance(from: equals, to: part.endIndex) >= 3, "\(part)")
                }
            }
            #expect(AnnounceFixtures.decodeQuotedPrintable(encoded) == line + [10])
        }
    }
}
