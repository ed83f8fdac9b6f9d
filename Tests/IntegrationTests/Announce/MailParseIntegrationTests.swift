import Foundation
import OSSLWatchCore
import OSSLWatchTestSupport
import Testing

@testable import OSSLWatch

/// Rendered messages parsed by Python's `email` package, the strictest independent reader at
/// hand: `policy.strict` raises on any defect, `policy.SMTP` is what a sending agent uses.
@Suite struct MailParseIntegrationTests {
    static let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("config/templates").path

    /// What a case expects Python to read back.
    struct Case {
        var name: String
        var message: MailMessage
        var expectedBody: String
        var expectedEncoding: String
    }

    /// Parses every file with both policies and prints one JSON object per file and policy.
    static let script = #"""
        import json, sys
        from email import policy
        from email.parser import BytesParser

        def addresses(message, key):
            header = message[key]
            if header is None:
                return None
            return [[a.display_name, a.addr_spec] for a in header.addresses]

        results = []
        for path in sys.argv[1:]:
            raw = open(path, "rb").read()
            for name, chosen in (("strict", policy.strict), ("SMTP", policy.SMTP)):
                entry = {"file": path, "policy": name}
                try:
                    message = BytesParser(policy=chosen).parsebytes(raw)
                    defects = [repr(d) for d in message.defects]
                    for key, value in message.items():
                        defects += ["%s: %r" % (key, d) for d in getattr(value, "defects", ())]
                    entry.update(
                        defects=defects,
                        keys=list(message.keys()),
                        subject=str(message["Subject"]),
                        sender=addresses(message, "From"),
                        to=addresses(message, "To"),
                        cc=addresses(message, "Cc"),
                        messageID=str(message["Message-ID"]),
                        date=message["Date"].datetime.isoformat(),
                        contentType=message.get_content_type(),
                        charset=message.get_content_charset(),
                        encoding=str(message["Content-Transfer-Encoding"]),
                        body=message.get_content().replace("\r\n", "\n"),
                    )
                except Exception as error:
                    entry["error"] = "%s: %s" % (type(error).__name__, error)
                results.append(entry)
        print(json.dumps(results))
        """#

    static func cases() throws -> [Case] {
        let date = Date(timeIntervalSince1970: 1_759_240_800)
        let set = TemplateSet(directory: templates)
        let advisories = [
            Advisory(
                cve: "CVE-2025-9230", title: "Out-of-bounds read & write in RFC 3211 KEK Unwrap", severity: .moderate,
                published: date, fixedIn: [Series("3.5")!: OpenSSLVersion("3.5.4")!]),
            Advisory(
                cve: "CVE-2025-9232", title: "Out-of-bounds read in HTTP client no_proxy handling", severity: .low,
                published: date, fixedIn: [Series("3.5")!: OpenSSLVersion("3.5.4")!]),
        ]
        func release(_ advisories: [Advisory]) -> AnnouncementContext {
            AnnouncementContext.release(
                project: "cryptography", displayName: "PyCA cryptography", nextRelease: "46.0.2",
                previous: OpenSSLVersion("3.5.3")!, target: OpenSSLVersion("3.5.4")!, date: date,
                changelogPage: "https://cryptography.io/en/latest/changelog/",
                packageURL: "https://pypi.org/project/cryptography/", signature: "-The PyCA maintainers",
                advisories: advisories)
        }
        let from = try MailAddress(parsing: "osslwatch <osslwatch@example.org>")
        let lists = [
            try MailAddress(parsing: "cryptography-dev@python.org"),
            try MailAddress(parsing: "python-announce-list@python.org"),
        ]
        var cases: [Case] = []
        for (kind, context) in [
            (MessageKind.announcement, release([])), (.securityAnnouncement, release(advisories)),
            (
                .notice,
                AnnouncementContext.notice(
                    topic: .eolSoon, project: "cryptography", displayName: "PyCA cryptography",
                    linked: OpenSSLVersion("3.0.17")!, series: Series("3.0"), eolDate: date,
                    supportedSeries: [Series("3.5")!])
            ),
        ] {
            let text = try set.render(kind: kind, project: "cryptography", context: context)
            let message = try MailMessage(
                from: from, to: lists,
                cc: kind == .securityAnnouncement ? [try MailAddress(parsing: "oss-security@lists.openwall.com")] : [],
                subject: text.subject, date: date,
                messageID: MailMessage.messageID(run: 12, kind: kind, domain: "example.org"), body: text.body)
            cases.append(Case(name: kind.rawValue, message: message, expectedBody: text.body, expectedEncoding: "7bit"))
        }
        let long = String(repeating: "0123456789", count: 200)
        let body = "Grüße, Zoë! ½ = 0.5\n\(long)\nline with trailing space \n\n.\nLast line without end"
        let unicode = try MailMessage(
            from: MailAddress(parsing: "Zoë Ünal (Release Team) <zoe@example.org>"),
            to: [
                try MailAddress(parsing: "\"Doe, Jane (lists)\" <jane@example.org>"),
                try MailAddress(parsing: "日本 チーム <team@example.jp>"),
            ],
            cc: [try MailAddress(parsing: "cc@example.org")],
            subject: "Ünïcödé release 🔐 " + String(repeating: "long subject words ", count: 8) + "end\r\nBcc: x@y.z",
            date: date, messageID: MailMessage.messageID(run: 7, kind: .announcement, domain: "example.org"), body: body
        )
        cases.append(
            Case(name: "unicode", message: unicode, expectedBody: body + "\n", expectedEncoding: "quoted-printable"))
        return cases
    }

    @Test func pythonStrictParserReadsEveryMessageBack() async throws {
        let cases = try Self.cases()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mail-parse-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var paths: [String] = []
        for item in cases {
            let bytes = item.message.rfc5322()
            for line in String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n") {
                #expect(line.utf8.count <= 998)
                #expect(!line.contains("\r") && !line.contains("\n"))
            }
            let url = directory.appendingPathComponent("\(item.name).eml")
            try Data(bytes).write(to: url)
            paths.append(url.path)
        }
        // A control: a header line without a colon, which the strict policy must reject, so a
        // pass above is not a parser that accepts anything.
        let broken = directory.appendingPathComponent("broken.eml")
        try Data("From: a@example.org\r\nNot a header line\r\nSubject: x\r\n\r\nbody\r\n".utf8).write(to: broken)
        paths.append(broken.path)
        let data = try await PythonScript.run(Self.script, arguments: paths)
        let results = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(results.count == cases.count * 2 + 2)
        let control = try #require(results.last { $0["policy"] as? String == "strict" })
        #expect(control["error"] != nil || (control["defects"] as? [String])?.isEmpty == false)
        for (index, item) in cases.enumerated() {
            for result in results[(index * 2)..<(index * 2 + 2)] {
                let label = "\(item.name) under \(result["policy"] ?? "?")"
                #expect(result["error"] == nil, "\(label): \(result["error"] ?? "")")
                #expect((result["defects"] as? [String]) == [], "\(label): \(result["defects"] ?? "")")
                let message = item.message
                #expect(
                    result["subject"] as? String == MailParseIntegrationTests.expectedSubject(message.subject),
                    "\(label)")
                #expect(
                    result["sender"] as? [[String]] == [[message.from.displayName ?? "", message.from.addrSpec]],
                    "\(label)")
                #expect(
                    result["to"] as? [[String]] == message.to.map { [$0.displayName ?? "", $0.addrSpec] }, "\(label)")
                if message.cc.isEmpty {
                    #expect(result["cc"] is NSNull, "\(label)")
                } else {
                    #expect(
                        result["cc"] as? [[String]] == message.cc.map { [$0.displayName ?? "", $0.addrSpec] },
                        "\(label)")
                }
                #expect(result["messageID"] as? String == message.messageID, "\(label)")
                #expect(result["date"] as? String == "2025-09-30T14:00:00+00:00", "\(label)")
                #expect(result["contentType"] as? String == "text/plain", "\(label)")
                #expect(result["charset"] as? String == "utf-8", "\(label)")
                #expect(result["encoding"] as? String == item.expectedEncoding, "\(label)")
                #expect(result["body"] as? String == item.expectedBody, "\(label)")
                #expect(
                    (result["keys"] as? [String])?.contains { $0.lowercased() == "bcc" } == false, "\(label)")
            }
        }
    }

    /// The subject as a reader shows it: control characters were written as spaces, outer spaces dropped.
    static func expectedSubject(_ subject: String) -> String {
        var text = ""
        for scalar in subject.unicodeScalars {
            text.unicodeScalars.append(scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) ? " " : scalar)
        }
        return text.trimmingCharacters(in: .init(charactersIn: " "))
    }
}
