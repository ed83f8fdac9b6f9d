import Foundation

/// GitHub's Atom feeds of `openssl/openssl`: `releases.atom` (the newest published releases)
/// and `tags.atom` (the newest tags, which can show a release before its release page is
/// published). Both have the same shape, so one parser reads both feed kinds.
///
/// The version comes from the tag at the end of the entry's `id` (or, when there is no id,
/// its alternate link), parsed by `OpenSSLVersion.parse(tag:)`; an entry whose tag is not
/// an OpenSSL release tag, or whose link names another release than its id, is skipped, so
/// one odd entry never stops a feed. A link that is not a plain `https` URL is dropped.
/// GitHub's Atom has no pre-release flag: it follows from the version.
struct GitHubAtomParser: FeedParser {
    var limits = FeedLimits.standard

    public func parse(_ body: Data, contentType: String?, feed: String) throws(FeedError) -> FeedContent {
        let text = try FeedBody(body, contentType: contentType, mediaTypes: .atom, feed: feed, limits: limits).text
        let entries = try XMLFeedReader(feed: feed, limits: limits).entries(in: text)
        let dates = ISO8601DateFormatter()
        let fractionalDates = ISO8601DateFormatter()
        fractionalDates.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var observations: [Observation] = []
        for entry in entries {
            let idTag = entry.id.flatMap(Self.lastSegment(ofID:))
            let fromID = idTag.flatMap(OpenSSLVersion.parse(tag:))
            let fromLink = entry.link.flatMap(Self.lastSegment(ofLink:)).flatMap(OpenSSLVersion.parse(tag:))
            let version: OpenSSLVersion
            switch (fromID, fromLink) {
            case (let id?, let link?) where id != link: continue
            case (let id?, _): version = id
            case (nil, let link?) where idTag == nil: version = link
            default: continue
            }
            let time = entry.updated.flatMap { dates.date(from: $0) ?? fractionalDates.date(from: $0) }
            observations.append(
                Observation(
                    feed: feed, version: version, tag: version.tag, time: time, link: entry.link.flatMap(Self.httpsLink)
                ))
        }
        return FeedContent(observations: observations)
    }

    /// `tag:github.com,2008:Repository/7634677/openssl-3.0.8` → `openssl-3.0.8`.
    static func lastSegment(ofID id: String) -> String? {
        guard id.hasPrefix("tag:"), let slash = id.lastIndex(of: "/") else { return nil }
        return String(id[id.index(after: slash)...])
    }

    /// `https://github.com/openssl/openssl/releases/tag/openssl-3.0.8` → `openssl-3.0.8`.
    static func lastSegment(ofLink link: String) -> String? {
        guard let url = URL(string: link), url.query == nil, url.fragment == nil else { return nil }
        let segment = url.lastPathComponent
        return segment.isEmpty || segment == "/" ? nil : segment
    }

    /// The link as given when it is a plain `https` URL; anything else is not worth keeping.
    static func httpsLink(_ link: String) -> String? {
        guard let url = URL(string: link), url.scheme?.lowercased() == "https", url.host?.isEmpty == false,
            link.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7F })
        else { return nil }
        return link
    }
}
