import Foundation

/// Where and how `SMTPClient` delivers: the server URL, the TLS rule, the AUTH user and the
/// limits. The password is not part of it (it comes from a credential file, straight into
/// `SMTPClient`), so settings can be logged and compared freely.
///
/// TLS is the default and verification is always on: `smtp://` must upgrade with STARTTLS (a
/// server that does not offer it is refused), `smtps://` speaks TLS from the first byte.
/// Plain text exists only for tests: `requireSTARTTLS: false` is honoured for a loopback host
/// and refused for any other.
public struct SMTPSettings: Sendable, Hashable {
    /// `smtp://host[:port][/ehlo-name]` or `smtps://host[:port][/ehlo-name]`; without a port
    /// libcurl uses 25 and 465. No user-info, query or fragment.
    public var url: String
    /// For `smtp://`: refuse a server that does not offer STARTTLS. Only a loopback host may
    /// turn it off (then STARTTLS is still used when offered).
    public var requireSTARTTLS: Bool
    /// The AUTH user; nil sends no AUTH.
    public var user: String?
    /// Extra trust anchor (PEM) used instead of the system store, e.g. a test CA.
    public var caFile: String?
    /// Seconds to establish the TCP and TLS connection.
    public var connectTimeout: Double
    /// Seconds for the whole transaction, from connecting to the server's final reply.
    public var timeout: Double

    public init(
        url: String,
        requireSTARTTLS: Bool = true,
        user: String? = nil,
        caFile: String? = nil,
        connectTimeout: Double = 10,
        timeout: Double = 120
    ) {
        self.url = url
        self.requireSTARTTLS = requireSTARTTLS
        self.user = user
        self.caFile = caFile
        self.connectTimeout = connectTimeout
        self.timeout = timeout
    }

    /// The parts of a validated URL the transfer needs.
    struct Endpoint: Sendable {
        /// The URL as libcurl gets it (scheme lower-cased).
        var url: String
        var implicitTLS: Bool
        var host: String
        var isLoopback: Bool
    }

    /// Checks the URL and the TLS rule; throws `.invalidInput` or `.tlsRequired` before any
    /// connection is made.
    func endpoint() throws(SMTPError) -> Endpoint {
        guard SMTPEnvelope.isClean(url), let components = URLComponents(string: url),
            let scheme = components.scheme?.lowercased()
        else {
            throw SMTPError(.invalidInput, "the SMTP URL does not parse")
        }
        guard scheme == "smtp" || scheme == "smtps" else {
            throw SMTPError(.invalidInput, "the SMTP URL must start with smtp:// or smtps://")
        }
        guard let rawHost = components.host, !rawHost.isEmpty else {
            throw SMTPError(.invalidInput, "the SMTP URL has no host")
        }
        guard components.user == nil, components.password == nil else {
            throw SMTPError(.invalidInput, "the SMTP URL must not carry a user or password; use the settings")
        }
        guard components.query == nil, components.fragment == nil else {
            throw SMTPError(.invalidInput, "the SMTP URL must not have a query or fragment")
        }
        let path = components.path
        if !path.isEmpty && path != "/" {
            let name = path.dropFirst()
            guard path.hasPrefix("/"), SMTPEnvelope.isDomain(name) else {
                throw SMTPError(.invalidInput, "the SMTP URL path must be an EHLO host name")
            }
        }
        if let user {
            guard !user.isEmpty, SMTPEnvelope.isClean(user) else {
                throw SMTPError(.invalidInput, "the SMTP user is empty or contains control characters")
            }
        }
        guard connectTimeout > 0, timeout > 0, connectTimeout.isFinite, timeout.isFinite else {
            throw SMTPError(.invalidInput, "the SMTP timeouts must be positive")
        }
        let host = rawHost.hasPrefix("[") && rawHost.hasSuffix("]") ? String(rawHost.dropFirst().dropLast()) : rawHost
        let isLoopback = HTTPURL.isLoopback(host: host)
        if scheme == "smtp" && !requireSTARTTLS && !isLoopback {
            throw SMTPError(
                .tlsRequired,
                "plain-text SMTP (requireSTARTTLS off) is only allowed to a loopback host, not \(host)"
            )
        }
        var normalized = components
        normalized.scheme = scheme
        guard let text = normalized.string else {
            throw SMTPError(.invalidInput, "the SMTP URL does not parse")
        }
        return Endpoint(url: text, implicitTLS: scheme == "smtps", host: host, isLoopback: isLoopback)
    }
}
