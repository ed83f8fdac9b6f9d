public import Foundation

/// The ports and paths of the services `scripts/test-services start` runs (nginx with a
/// test CA, an SMTP server, a stalled TCP server, a dead port), read from `var/test-services/services.env`.
///
/// Use: `let services = try TestServices.load()` at the start of a test, then
/// `services.httpsURL("/feed.xml")` with `caFile: services.caFile`. When the file is
/// missing, `load()` throws an error telling to run `scripts/test-services start` (which
/// `make test` does), so integration tests fail loudly instead of skipping.
public struct TestServices: Sendable {
    public struct Missing: Error, CustomStringConvertible {
        public let description: String
    }

    /// Every `KEY=VALUE` line of services.env.
    public let values: [String: String]

    /// `NGINX_HTTPS_PORT`: nginx over TLS with a certificate from `caFile`.
    public var httpsPort: Int { port("NGINX_HTTPS_PORT") }
    /// `NGINX_OTHER_CA_PORT`: nginx over TLS with a certificate from an unrelated CA.
    public var otherCAPort: Int { port("NGINX_OTHER_CA_PORT") }
    /// `NGINX_HTTP_PORT`: nginx over plain http.
    public var httpPort: Int { port("NGINX_HTTP_PORT") }
    /// `STALL_PORT`: accepts connections and never answers.
    public var stallPort: Int { port("STALL_PORT") }
    /// `DEAD_PORT`: nothing listens here.
    public var deadPort: Int { port("DEAD_PORT") }
    /// `CA_FILE`: the PEM of the test CA that signed nginx's certificate.
    public var caFile: String { values["CA_FILE"] ?? "" }
    /// `DOCROOT`: the directory nginx serves; tests may write files here.
    public var docroot: String { values["DOCROOT"] ?? "" }
    /// `ACCESS_LOG`: nginx's access log.
    public var accessLog: String { values["ACCESS_LOG"] ?? "" }

    /// `SMTP_STARTTLS_PORT`: SMTP that offers and requires STARTTLS, then requires AUTH.
    public var smtpStartTLSPort: Int { port("SMTP_STARTTLS_PORT") }
    /// `SMTPS_PORT`: SMTP over implicit TLS, requires AUTH.
    public var smtpsPort: Int { port("SMTPS_PORT") }
    /// `SMTP_NO_STARTTLS_PORT`: plain SMTP that never offers STARTTLS (nor AUTH).
    public var smtpNoStartTLSPort: Int { port("SMTP_NO_STARTTLS_PORT") }
    /// `SMTP_USER`: the AUTH user of the SMTP server.
    public var smtpUser: String { values["SMTP_USER"] ?? "" }
    /// `SMTP_PASSWORD_FILE`: a file holding the AUTH password (one line).
    public var smtpPasswordFile: String { values["SMTP_PASSWORD_FILE"] ?? "" }
    /// The password from `smtpPasswordFile`, without the line end.
    public var smtpPassword: String {
        ((try? String(contentsOfFile: smtpPasswordFile, encoding: .utf8)) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
    /// `SMTP_MAILBOX`: accepted messages as `<n>.eml` (exact bytes) + `<n>.json` (envelope:
    /// mail_from, rcpt_tos, port, listener, auth_user); the `.eml` appears last.
    public var smtpMailbox: String { values["SMTP_MAILBOX"] ?? "" }

    /// `smtp://localhost:<smtpStartTLSPort>`.
    public var smtpStartTLSURL: String { "smtp://localhost:\(smtpStartTLSPort)" }
    /// `smtps://localhost:<smtpsPort>`.
    public var smtpsURL: String { "smtps://localhost:\(smtpsPort)" }
    /// `smtp://localhost:<smtpNoStartTLSPort>`.
    public var smtpNoStartTLSURL: String { "smtp://localhost:\(smtpNoStartTLSPort)" }

    /// One message the SMTP server accepted.
    public struct StoredMail: Sendable {
        /// The number `n` of `<n>.eml`.
        public var number: Int
        public var mailFrom: String
        public var recipients: [String]
        /// `starttls`, `smtps` or `no-starttls`.
        public var listener: String
        public var authUser: String?
        /// Path of the `.eml` file.
        public var path: String
        /// The DATA bytes exactly as the server received them.
        public var bytes: [UInt8]
    }

    /// Every stored message with `recipient` among its envelope recipients (case-insensitive),
    /// oldest first. Reads only complete messages (the `.eml` is renamed into place last).
    public func smtpMessages(to recipient: String) -> [StoredMail] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: smtpMailbox)) ?? []
        var found: [StoredMail] = []
        for name in names where name.hasSuffix(".eml") && !name.hasPrefix(".") {
            guard let number = Int(name.dropLast(4)) else { continue }
            let eml = "\(smtpMailbox)/\(name)"
            let json = "\(smtpMailbox)/\(number).json"
            guard let envelopeData = FileManager.default.contents(atPath: json),
                let envelope = try? JSONSerialization.jsonObject(with: envelopeData) as? [String: Any],
                let recipients = envelope["rcpt_tos"] as? [String],
                recipients.contains(where: { $0.caseInsensitiveCompare(recipient) == .orderedSame }),
                let bytes = FileManager.default.contents(atPath: eml)
            else { continue }
            found.append(
                StoredMail(
                    number: number,
                    mailFrom: envelope["mail_from"] as? String ?? "",
                    recipients: recipients,
                    listener: envelope["listener"] as? String ?? "",
                    authUser: envelope["auth_user"] as? String,
                    path: eml,
                    bytes: [UInt8](bytes)
                )
            )
        }
        return found.sorted { $0.number < $1.number }
    }

    /// `https://localhost:<httpsPort><path>`.
    public func httpsURL(_ path: String) -> String { "https://localhost:\(httpsPort)\(path)" }
    /// `http://127.0.0.1:<httpPort><path>`.
    public func httpURL(_ path: String) -> String { "http://127.0.0.1:\(httpPort)\(path)" }

    private func port(_ key: String) -> Int { values[key].flatMap { Int($0) } ?? 0 }

    /// The repository root, found from this source file's location (Tests/OSSLWatchTestSupport/).
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    public static func load() throws -> TestServices {
        let file = repositoryRoot.appendingPathComponent("var/test-services/services.env")
        guard let text = try? String(contentsOf: file, encoding: .utf8) else {
            throw Missing(
                description: "\(file.path) is missing: run scripts/test-services start (make test does)"
            )
        }
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return TestServices(values: values)
    }
}
