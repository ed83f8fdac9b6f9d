import Foundation

/// One CVE as OpenSSL published it, merged from its advisory text and its CVE JSON record.
public struct Advisory: Sendable, Hashable, Codable {
    /// `CVE-2025-9230`.
    public var cve: String
    public var title: String
    /// `nil` when no source stated one.
    public var severity: Severity?
    /// The advisory's date (the `secadv/YYYYMMDD.txt` name, or the record's publication date).
    public var published: Date?
    /// Per series, the release that fixes it ("OpenSSL 3.5 users should upgrade to OpenSSL 3.5.4").
    public var fixedIn: [Series: OpenSSLVersion]
    /// Affected ranges from the CVE record; empty when only the advisory text is known.
    public var affected: [AffectedRange]
    /// Configured names of the feeds that reported it.
    public var sources: Set<String>

    public init(
        cve: String, title: String, severity: Severity?, published: Date?, fixedIn: [Series: OpenSSLVersion],
        affected: [AffectedRange] = [], sources: Set<String> = []
    ) {
        self.cve = cve
        self.title = title
        self.severity = severity
        self.published = published
        self.fixedIn = fixedIn
        self.affected = affected
        self.sources = sources
    }
}

/// `{"version": "3.5.0", "lessThan": "3.5.4", "status": "affected"}`: versions from
/// `introduced` up to but excluding `fixed` are affected.
public struct AffectedRange: Sendable, Hashable, Codable {
    public var introduced: OpenSSLVersion
    /// `nil` when the record gives no upper bound (every later version of the series is affected).
    public var fixed: OpenSSLVersion?

    public init(introduced: OpenSSLVersion, fixed: OpenSSLVersion?) {
        self.introduced = introduced
        self.fixed = fixed
    }
}
