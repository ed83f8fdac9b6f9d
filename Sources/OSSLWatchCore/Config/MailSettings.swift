public import Foundation

/// Announcement drafts and their delivery: the `mail:` section of the config.
///
/// Addresses are kept as written (`Name <user@host>` or `user@host`), already checked by the
/// parser; the SMTP password is never here, only the name of the credential file holding it.
public struct MailSettings: Sendable, Hashable {
    /// How messages leave: `mail.smtp`.
    public struct SMTP: Sendable, Hashable {
        /// `smtp://host[:port]` (STARTTLS) or `smtps://host[:port]` (TLS from the first byte).
        public var url: String
        /// AUTH user; nil sends without AUTH.
        public var user: String?
        /// The credential holding the password: looked up in `$CREDENTIALS_DIRECTORY` first
        /// (by its last path component), then as a path (absolute after loading).
        public var passwordFile: String?
        /// Extra CA bundle for the server's certificate; verification is always on.
        public var caFile: String?
        /// Refuse an `smtp://` server that does not offer STARTTLS (default true).
        public var requireSTARTTLS: Bool
        public var connectTimeout: Double
        /// Seconds for one whole SMTP transaction.
        public var timeout: Double
        /// The envelope sender (`MAIL FROM`); default: the address of `mail.from`.
        public var envelopeFrom: String?

        public init(
            url: String, user: String? = nil, passwordFile: String? = nil, caFile: String? = nil,
            requireSTARTTLS: Bool = true, connectTimeout: Double = 10, timeout: Double = 60,
            envelopeFrom: String? = nil
        ) {
            self.url = url
            self.user = user
            self.passwordFile = passwordFile
            self.caFile = caFile
            self.requireSTARTTLS = requireSTARTTLS
            self.connectTimeout = connectTimeout
            self.timeout = timeout
            self.envelopeFrom = envelopeFrom
        }
    }

    /// How temporary (4xx) SMTP failures are retried: `mail.retry`.
    public struct Retry: Sendable, Hashable {
        /// Seconds before the second try; doubled per further try.
        public var initial: Double
        /// The cap on the wait, seconds.
        public var maximum: Double
        /// Tries in all (the first included) before the message fails.
        public var attempts: Int

        public init(initial: Double = 60, maximum: Double = 3600, attempts: Int = 5) {
            self.initial = initial
            self.maximum = maximum
            self.attempts = attempts
        }

        /// When try number `attempts + 1` may start, after `attempts` temporary failures.
        public func nextAttempt(after attempts: Int, now: Date) -> Date {
            now.addingTimeInterval(Backoff(initial: initial, maximum: maximum).baseDelay(errorStreak: attempts))
        }
    }

    /// The `From:` header of every message.
    public var from: String
    /// The lists an announcement goes to.
    public var to: [String]
    public var cc: [String]
    /// Added to `To:` of the security variant (oss-security).
    public var securityTo: [String]
    /// Who gets notices (new series, end of life, urgent advisories, expected releases);
    /// empty: no notices are drafted.
    public var maintainers: [String]
    /// Gets a copy of every announcement as soon as its draft exists, before approval.
    public var review: String?
    /// The template directory (absolute).
    public var templates: String
    /// The right-hand side of every Message-ID.
    public var domain: String
    /// The signature below announcements (the maintainer's name).
    public var signature: String
    /// Whether notices wait for `osslwatch drafts approve` like announcements (default: sent at once).
    public var noticesNeedApproval: Bool
    public var smtp: SMTP
    public var retry: Retry

    public init(
        from: String, to: [String], cc: [String] = [], securityTo: [String] = [], maintainers: [String] = [],
        review: String? = nil, templates: String, domain: String, signature: String = "",
        noticesNeedApproval: Bool = false, smtp: SMTP, retry: Retry = Retry()
    ) {
        self.from = from
        self.to = to
        self.cc = cc
        self.securityTo = securityTo
        self.maintainers = maintainers
        self.review = review
        self.templates = templates
        self.domain = domain
        self.signature = signature
        self.noticesNeedApproval = noticesNeedApproval
        self.smtp = smtp
        self.retry = retry
    }
}
