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
