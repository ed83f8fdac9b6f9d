import Foundation
import Testing

@testable import OSSLWatch
@testable import OSSLWatchCore

/// The releases the announce tests render: cryptography 46.0.2 moving from OpenSSL 3.5.3 to
/// 3.5.4, once as a plain release and once with the three CVEs of 2025-09-30.
enum AnnounceFixtures {
    /// The source directory of the fixtures (snapshots are rewritten there, not in the bundle).
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/announce")

    /// The shipped templates.
    static let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("config/templates").path

    static let changelog = directory.appendingPathComponent("CHANGELOG.rst").path

    /// 2025-09-30 14:00:00 UTC.
    static let date = Date(timeIntervalSince1970: 1_759_240_800)

    static let advisories: [Advisory] = [
        Advisory(
            cve: "CVE-2025-9232", title: "Out-of-bounds read in HTTP client no_proxy handling", severity: .low,
            published: date, fixedIn: [Series("3.5")!: OpenSSLVersion("3.5.4")!]),
        Advisory(
            cve: "CVE-2025-9230", title: "Out-of-bounds read & write in RFC 3211 KEK Unwrap", severity: .moderate,
            published: date, fixedIn: [Series("3.5")!: OpenSSLVersion("3.5.4")!]),
        Advisory(
            cve: "CVE-2025-9231", title: "Timing side-channel in SM2 algorithm on 64 bit ARM", severity: .moderate,
            published: date, fixedIn: [Series("3.5")!: OpenSSLVersion("3.5.4")!]),
    ]

    static func context(advisories: [Advisory] = []) throws -> AnnouncementContext {
        let excerpt = try ChangelogExcerpt.read(file: changelog, version: "46.0.2")
        return AnnouncementContext.release(
            project: "cryptography", displayName: "PyCA cryptography", nextRelease: "46.0.2",
            previous: OpenSSLVersion("3.5.3")!, target: OpenSSLVersion("3.5.4")!, date: date,
            changelogPage: "https://cryptography.io/en/latest/changelog/",
            packageURL: "https://pypi.org/project/cryptography/46.0.2/", signature: "-The PyCA maintainers",
            changelogBullets: excerpt.bullets, advisories: advisories)
    }

    static func message(kind: MessageKind) throws -> MailMessage {
        let security = kind == .securityAnnouncement
        let context = try context(advisories: security ? advisories : [])
        let text = try TemplateSet(directory: templates).render(kind: kind, project: "cryptography", context: context)
        var to = [
            try MailAddress(parsing: "cryptography-dev@python.org"),
            try MailAddress(parsing: "python-announce-list@python.org"),
        ]
        if security { to.append(try MailAddress(parsing: "oss-security@lists.openwall.com")) }
        return try MailMessage(
            from: MailAddress(
                parsing: security ? "Zoë Maintainer <zoe@example.org>" : "osslwatch <osslwatch@example.org>"),
            to: to, cc: security ? [try MailAddress(parsing: "\"Security, Team\" <security@example.org>")] : [],
            subject: text.subject, date: date,
            messageID: MailMessage.messageID(run: 12, kind: kind, domain: "example.org"), body: text.body)
    }

    /// Decodes RFC 2047 encoded words in an unfolded header value (enough for the tests: utf-8, B and Q).
    static func decodeHeader(_ value: String) -> String {
        var out = ""
        var pendingSpace = ""
        var lastWasEncoded = false
        for token in value.split(separator: " ", omittingEmptySubsequences: false) {
            if token.hasPrefix("=?utf-8?"), token.hasSuffix("?="), token.count > 12 {
                let mode = token[token.index(token.startIndex, offsetBy: 8)]
                let payload = String(token.dropFirst(10).dropLast(2))
                let bytes: [UInt8]
                if mode == "B" {
                    bytes = Array(Data(base64Encoded: payload) ?? Data())
                } else {
                    bytes = decodeQ(payload.replacingOccurrences(of: "_", with: " "))
                }
                if !lastWasEncoded { out += pendingSpace }
                out += String(decoding: bytes, as: UTF8.self)
                lastWasEncoded = true
            } else {
                out += pendingSpace + token
                lastWasEncoded = false
            }
            pendingSpace = " "
        }
        return out
    }

    /// `=XX` decoding; soft line breaks (`=` at the end of a line) join lines.
    static func decodeQ(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "="), index + 2 < bytes.count,
                let value = UInt8(String(decoding: bytes[index + 1...index + 2], as: UTF8.self), radix: 16)
            {
                out.append(value)
                index += 3
                continue
            }
            out.append(bytes[index])
            index += 1
        }
        return out
    }

    /// Decodes a quoted-printable body with CRLF line ends.
    static func decodeQuotedPrintable(_ body: [UInt8]) -> [UInt8] {
        let text = String(decoding: body, as: UTF8.self)
        var out: [UInt8] = []
        for line in text.components(separatedBy: "\r\n").dropLast() {
            if line.hasSuffix("=") {
                out += decodeQ(String(line.dropLast()))
            } else {
                out += decodeQ(line) + [10]
            }
        }
        return out
    }

    /// Headers (unfolded) and body of rendered bytes.
    static func split(_ bytes: [UInt8]) -> (headers: [(name: String, value: String)], body: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        let head = parts[0]
        let body = Array(parts.dropFirst().joined(separator: "\r\n\r\n").utf8)
        var headers: [(name: String, value: String)] = []
        for line in head.components(separatedBy: "\r\n") {
            if line.first == " " || line.first == "\t", !headers.isEmpty {
                headers[headers.count - 1].value += line
            } else if let colon = line.firstIndex(of: ":") {
                var value = String(line[line.index(after: colon)...])
                if value.first == " " { value.removeFirst() }
                headers.append((String(line[..<colon]), value))
            }
        }
        return (headers, body)
    }
}
