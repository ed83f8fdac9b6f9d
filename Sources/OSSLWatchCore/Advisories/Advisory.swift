public import Foundation

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
    /// Series whose fixing release in `fixedIn` is for premium support customers only (1.1.1,
    /// 1.0.2): no public tarball will appear, so no feed will ever see it.
    public var premiumOnly: Set<Series>

    public init(
        cve: String, title: String, severity: Severity?, published: Date?, fixedIn: [Series: OpenSSLVersion],
        affected: [AffectedRange] = [], sources: Set<String> = [], premiumOnly: Set<Series> = []
    ) {
        self.cve = cve
        self.title = title
        self.severity = severity
        self.published = published
        self.fixedIn = fixedIn
        self.affected = affected
        self.sources = sources
        self.premiumOnly = premiumOnly
    }

    /// This advisory with what `newer` says added: a value `newer` has replaces the stored one
    /// (OpenSSL updates advisories online), a value it lacks never blanks one already known.
    ///
    /// The advisory text and the CVE record each know part of a CVE (the text its fixing
    /// releases, the record its affected ranges), so a CVE is complete only once both were read,
    /// in whatever order they arrive.
    public func merging(_ newer: Advisory) -> Advisory {
        var merged = self
        if !newer.title.isEmpty { merged.title = newer.title }
        if let severity = newer.severity { merged.severity = severity }
        if merged.published == nil { merged.published = newer.published }
        merged.fixedIn.merge(newer.fixedIn) { _, new in new }
        if !newer.affected.isEmpty { merged.affected = newer.affected }
        merged.sources.formUnion(newer.sources)
        merged.premiumOnly.formUnion(newer.premiumOnly)
        return merged
    }

    /// True for `CVE-YYYY-NNNN` with a four-digit year from 1999 and a sequence number of 4 to 19
    /// digits, as the CVE program assigns them; anything else never becomes a stored key.
    public static func isCVEIdentifier(_ text: some StringProtocol) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 13, bytes.count <= 28, bytes.starts(with: Array("CVE-".utf8)) else { return false }
        let isDigit = { (byte: UInt8) in byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        let year = bytes[4..<8]
        guard year.allSatisfy(isDigit), bytes[8] == UInt8(ascii: "-") else { return false }
        let number = bytes[9...]
        guard (4...19).contains(number.count), number.allSatisfy(isDigit) else { return false }
        let yearValue = year.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        return yearValue >= 1999
    }

    private enum CodingKeys: String, CodingKey {
        case cve, title, severity, published, fixedIn, affected, sources, premiumOnly
    }

    /// Decodes JSON written before `premiumOnly` existed too.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        cve = try container.decode(String.self, forKey: .cve)
        title = try container.decode(String.self, forKey: .title)
        severity = try container.decodeIfPresent(Severity.self, forKey: .severity)
        published = try container.decodeIfPresent(Date.self, forKey: .published)
        fixedIn = try container.decode([Series: OpenSSLVersion].self, forKey: .fixedIn)
        affected = try container.decodeIfPresent([AffectedRange].self, forKey: .affected) ?? []
        sources = try container.decodeIfPresent(Set<String>.self, forKey: .sources) ?? []
        premiumOnly = try container.decodeIfPresent(Set<Series>.self, forKey: .premiumOnly) ?? []
    }
}

/// `{"version": "3.5.0", "lessThan": "3.5.4", "status": "affected"}`: versions from
/// `introduced` up to but excluding `fixed` are affected.
public struct AffectedRange: Sendable, Hashable, Codable {
    public var introduced: OpenSSLVersion
    /// `nil` when the record gives no exclusive upper bound.
    public var fixed: OpenSSLVersion?
    /// The last affected version, inclusive (`lessThanOrEqual`, or a single affected version);
    /// only set when `fixed` is `nil`. Both `nil`: every later version of the series is affected.
    public var lastAffected: OpenSSLVersion?

    public init(introduced: OpenSSLVersion, fixed: OpenSSLVersion?, lastAffected: OpenSSLVersion? = nil) {
        self.introduced = introduced
        self.fixed = fixed
        self.lastAffected = lastAffected
    }

    /// True when `version` lies inside this range.
    public func contains(_ version: OpenSSLVersion) -> Bool {
        guard version >= introduced else { return false }
        if let fixed { return version < fixed }
        if let lastAffected { return version <= lastAffected }
        return true
    }
}

/// OpenSSL's severity levels, as its security policy names them; ordered from least to most urgent.
public enum Severity: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case low = "Low"
    case moderate = "Moderate"
    case high = "High"
    case critical = "Critical"

    private var rank: Int {
        switch self {
        case .low: 0
        case .moderate: 1
        case .high: 2
        case .critical: 3
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}
