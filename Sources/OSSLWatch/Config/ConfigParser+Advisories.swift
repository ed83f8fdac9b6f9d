import Foundation
import OSSLWatchCore

extension ConfigParser {
    static let advisoryKeys = ["urgent", "eol_warning_days", "pre_announcement_fast_poll"]
    static let urgencyKeys = ["severities", "fast_poll_interval", "fast_poll_for", "notify_at_once"]

    /// The `advisories:` section.
    func advisories(_ node: ConfigNode) throws(ConfigError) -> AdvisorySettings {
        let section = try node.mapping(keys: Self.advisoryKeys)
        var settings = AdvisorySettings()
        if let value = section["urgent"] { settings.urgent = try urgency(value) }
        if let value = section["eol_warning_days"] { settings.eolWarningDays = try value.int(in: 0...3650) }
        if let value = section["pre_announcement_fast_poll"] { settings.preAnnouncementFastPoll = try value.bool() }
        return settings
    }

    /// `advisories.urgent`: which severities are urgent and what that changes.
    func urgency(_ node: ConfigNode) throws(ConfigError) -> AdvisorySettings.Urgency {
        let section = try node.mapping(keys: Self.urgencyKeys)
        var urgency = AdvisorySettings.Urgency()
        if let value = section["severities"] {
            var severities: Set<Severity> = []
            for item in try value.sequence() {
                let text = try item.nonEmptyString()
                guard let severity = Severity.allCases.first(where: { $0.rawValue.lowercased() == text.lowercased() })
                else {
                    let names = Severity.allCases.map(\.rawValue)
                    throw item.error(
                        .invalidValue, "unknown severity \"\(text)\"; one of: \(names.joined(separator: ", "))")
                }
                severities.insert(severity)
            }
            urgency.severities = severities
        }
        if let value = section["fast_poll_interval"] { urgency.fastPollInterval = try value.duration(in: 5...3600) }
        if let value = section["fast_poll_for"] { urgency.fastPollFor = try value.duration(in: 60...(30 * 86_400)) }
        if let value = section["notify_at_once"] { urgency.notifyAtOnce = try value.bool() }
        return urgency
    }
}

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
