public import Foundation

/// An Atom or RSS 2.0 feed of the openssl-announce list, read for pre-announcements.
///
/// OpenSSL announces security releases about a week ahead in a message titled like
/// "Forthcoming OpenSSL Releases". Entries whose title matches `titlePattern` (a regular
/// expression, case-insensitive) are read for the release day ("will be made available on
/// Tuesday 30th September 2025 between 1300-1700 UTC"), the highest severity ("The highest
/// severity issue fixed in each of these releases is Moderate") and the versions named, each
/// through the strict `OpenSSLVersion` grammar. Other entries are ignored, and so is a
/// matching entry that names no release day: one odd message must not hide the others.
public struct AnnounceListParser: FeedParser {
    /// Matches the list's subject for pre-announcements.
    public static let defaultTitlePattern = #"^\s*(\[[^\]]*\]\s*)*Forthcoming OpenSSL Releases?\b"#

    var titlePattern = AnnounceListParser.defaultTitlePattern
    var limits = FeedLimits.standard

    static let mediaTypes = FeedBody.MediaTypes(
        accepted: ["application/atom+xml", "application/rss+xml", "application/xml", "text/xml"],
        expected: "an Atom or RSS feed")
    static let datePatterns = [
        #"(?:available|released?|published|ship(?:ped)?)\s+on\s+"# + AdvisoryDate.pattern,
        #"\bon\s+"# + AdvisoryDate.pattern,
    ]
    static let severityPattern = #"highest\s+severity\b[^.]{0,120}?\bis\s+(low|moderate|high|critical)\b"#
    static let versionPattern =
        #"(?<![\w.-])(\d{1,4}\.\d{1,4}\.\d{1,4}[a-z]{0,3}(?:-(?:alpha|beta)\d{1,4})?)(?![\w-]|\.\d)"#
    /// More than this many versions in one message is not a release announcement.
    static let maxVersions = 64

    /// Whether `pattern` compiles as a title pattern; the config checks this before any poll.
    public static func isValidPattern(_ pattern: String) -> Bool {
        (try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive])) != nil
    }

    public func parse(_ body: Data, contentType: String?, feed: String) throws(FeedError) -> FeedContent {
        let text = try FeedBody(body, contentType: contentType, mediaTypes: Self.mediaTypes, feed: feed, limits: limits)
            .text
        guard let title = try? NSRegularExpression(pattern: titlePattern, options: [.caseInsensitive]) else {
            throw FeedError(
                .unexpectedShape, feed: feed, "title pattern \(FeedBody.printable(titlePattern)) is not a valid regex")
        }
        let items = try XMLFeedReader(feed: feed, limits: limits, mailingList: true).entries(in: text)
        var found: [Date: PreAnnouncement] = [:]
        for item in items {
            guard title.firstMatch(in: item.title, range: NSRange(item.title.startIndex..., in: item.title)) != nil,
                let announcement = Self.announcement(from: item, feed: feed)
            else { continue }
            if let earlier = found[announcement.expected] {
                found[announcement.expected] = Self.combine(earlier, announcement)
            } else {
                found[announcement.expected] = announcement
            }
        }
        return FeedContent(preAnnouncements: found.values.sorted { $0.expected < $1.expected })
    }

    /// The pre-announcement an entry's title and text describe, `nil` when it names no release day.
    static func announcement(from item: XMLFeedReader.Entry, feed: String) -> PreAnnouncement? {
        let text = item.title + "\n" + item.text
        let ns = text as NSString
        let whole = NSRange(location: 0, length: ns.length)
        var expected: Date?
        search: for pattern in datePatterns {
            let regex = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
            for match in regex?.matches(in: text, range: whole) ?? [] {
                if let date = AdvisoryDate.date(from: match, in: ns) {
                    expected = date
                    break search
                }
            }
        }
        guard let expected else { return nil }
        var severity: Severity?
        let severityRegex = try? NSRegularExpression(pattern: severityPattern, options: [.caseInsensitive])
        if let match = severityRegex?.firstMatch(in: text, range: whole) {
            let word = ns.substring(with: match.range(at: 1)).lowercased()
            severity = Severity.allCases.first { $0.rawValue.lowercased() == word }
        }
        var versions: Set<OpenSSLVersion> = []
        let versionRegex = try? NSRegularExpression(pattern: versionPattern, options: [])
        for match in versionRegex?.matches(in: text, range: whole) ?? [] {
            // Before 3.0 a bare `1.1.1` is the series name ("OpenSSL 1.1.1 users"), not a release.
            if let version = OpenSSLVersion.parse(bare: ns.substring(with: match.range(at: 1))),
                version.major >= 3 || !version.letters.isEmpty
            {
                versions.insert(version)
            }
            if versions.count >= maxVersions { break }
        }
        let link = item.link.flatMap(GitHubAtomParser.httpsLink)
        return PreAnnouncement(
            expected: expected, highestSeverity: severity, versions: versions.sorted(),
            title: String(item.title.prefix(512)), link: link, feed: feed)
    }

    /// Two messages announcing the same day (a correction, a repost): the union of what they say.
    static func combine(_ first: PreAnnouncement, _ second: PreAnnouncement) -> PreAnnouncement {
        var merged = first
        if let severity = second.highestSeverity {
            merged.highestSeverity = max(severity, first.highestSeverity ?? severity)
        }
        merged.versions = Array(Set(first.versions).union(second.versions)).sorted()
        if merged.link == nil { merged.link = second.link }
        return merged
    }
}
