import Foundation
import OSSLWatchCore

extension ConfigParser {
    /// The longest `title_pattern` accepted; a subject pattern needs no more.
    static let maxTitlePatternLength = 1024

    /// The URL with its placeholder filled with a sample value, so the usual URL checks apply
    /// to every URL the template can become. A placeholder the kind does not fill, or any other
    /// `{…}`, is refused here with a message naming the placeholders allowed.
    static func sampleExpansion(_ text: String, kind: FeedKind, at node: ConfigNode) throws(ConfigError) -> String {
        var expanded = text
        switch kind.urlPlaceholder {
        case "{date}": expanded = expanded.replacingOccurrences(of: "{date}", with: "20250930")
        case "{cve}": expanded = expanded.replacingOccurrences(of: "{cve}", with: "CVE-2025-9230")
        default: break
        }
        if expanded.contains("{") || expanded.contains("}") {
            let allowed =
                kind.urlPlaceholder.map { "only \($0) is filled in for kind \(kind.rawValue)" }
                ?? "kind \(kind.rawValue) fills in no placeholder"
            throw node.error(.invalidURL, "\(text.debugDescription) holds a {…} placeholder; \(allowed)")
        }
        return expanded
    }

    /// The keys only some feed kinds read: `title_pattern` (announce-list).
    func advisoryFeed(_ fields: ConfigNode.Mapping, into feed: inout FeedSettings, urlNode: ConfigNode)
        throws(ConfigError)
    {
        guard let node = fields["title_pattern"] else { return }
        guard feed.kind == .announceList else {
            throw node.error(.unknownKey, "title_pattern is read only for kind announce-list")
        }
        let pattern = try node.nonEmptyString()
        guard pattern.utf8.count <= Self.maxTitlePatternLength else {
            throw node.error(.invalidRegex, "longer than \(Self.maxTitlePatternLength) bytes")
        }
        guard AnnounceListParser.isValidPattern(pattern) else {
            throw node.error(.invalidRegex, "\(pattern.debugDescription) is not a valid regular expression")
        }
        feed.titlePattern = pattern
    }
}
