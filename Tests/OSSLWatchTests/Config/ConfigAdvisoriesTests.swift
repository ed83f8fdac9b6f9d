import Foundation
import OSSLWatch
import OSSLWatchCore
import Testing

/// The `advisories:` section: urgency per severity, the default end-of-life window, fast
/// polling for pre-announced releases.
@Suite struct ConfigAdvisoriesTests {
    /// A second project, `q`, links 3.0.18 and warns of end of life 30 days ahead.
    static let base =
        ConfigYAML.minimal(literal: "3.5.4") + """
              - name: q
                linked:
                  literal: 3.0.18
                eol_warning_days: 30

            """

    func load(_ extra: String) throws(ConfigError) -> Configuration {
        try ConfigLoader.load(yaml: Self.base + extra, file: "/tmp/advisories-test.yaml", environment: [:])
    }

    @Test("without the section: High and Critical are urgent, 1 min polling for 48 h, notice at once, 90 days")
    func defaults() throws {
        let config = try load("")
        let settings = config.advisories
        #expect(settings == AdvisorySettings())
        #expect(settings.urgent.severities == [.high, .critical])
        #expect(settings.urgent.fastPollInterval == 60 && settings.urgent.fastPollFor == 48 * 3600)
        #expect(settings.notifyAtOnce(for: .high) && settings.notifyAtOnce(for: .critical))
        #expect(!settings.notifyAtOnce(for: .moderate) && !settings.notifyAtOnce(for: .low))
        #expect(!settings.notifyAtOnce(for: nil))
        #expect(settings.preAnnouncementFastPoll)
        #expect(config.projects.map(\.eolWarningDays) == [90, 30])
    }

    @Test("every key is read; a project's own eol_warning_days still wins over the section's")
    func values() throws {
        let config = try load(
            """
            advisories:
              urgent:
                severities: [Moderate, high, Critical]
                fast_poll_interval: 2m
                fast_poll_for: 1d
                notify_at_once: false
              eol_warning_days: 120
              pre_announcement_fast_poll: false

            """)
        let settings = config.advisories
        #expect(settings.urgent.severities == [.moderate, .high, .critical])
        #expect(settings.urgent.fastPollInterval == 120 && settings.urgent.fastPollFor == 86_400)
        #expect(settings.isUrgent(.moderate) && !settings.notifyAtOnce(for: .critical))
        #expect(settings.eolWarningDays == 120 && !settings.preAnnouncementFastPoll)
        #expect(config.projects.map(\.eolWarningDays) == [120, 30])
        #expect(config.policy(for: config.projects[0]).eolWarningDays == 120)
    }

    @Test("an empty severity list turns urgency off")
    func noUrgency() throws {
        let settings = try load("advisories:\n  urgent:\n    severities: []\n").advisories
        #expect(Severity.allCases.allSatisfy { !settings.isUrgent($0) && !settings.notifyAtOnce(for: $0) })
        let high = Advisory(cve: "CVE-2026-1", title: "t", severity: .high, published: Date(), fixedIn: [:])
        #expect(settings.fastPollUntil(for: high) == nil)
    }

    @Test(
        "bad advisory values name their key path",
        arguments: [
            ("advisories:\n  urgent:\n    severities: [High, Severe]\n", "advisories.urgent.severities[1]"),
            ("advisories:\n  urgent:\n    severities: High\n", "advisories.urgent.severities"),
            ("advisories:\n  urgent:\n    fast_poll_interval: 1s\n", "advisories.urgent.fast_poll_interval"),
            ("advisories:\n  urgent:\n    fast_poll_for: forever\n", "advisories.urgent.fast_poll_for"),
            ("advisories:\n  urgent:\n    notify_at_once: yes please\n", "advisories.urgent.notify_at_once"),
            ("advisories:\n  urgent:\n    fast_pol_interval: 1m\n", "advisories.urgent.fast_pol_interval"),
            ("advisories:\n  eol_warning_days: -1\n", "advisories.eol_warning_days"),
            ("advisories:\n  pre_announcement_fast_poll: 1\n", "advisories.pre_announcement_fast_poll"),
            ("advisories:\n  urgency: {}\n", "advisories.urgency"),
            ("advisories: [High]\n", "advisories"),
        ])
    func errors(yaml: String, keyPath: String) {
        #expect {
            _ = try load(yaml)
        } throws: { error in
            (error as? ConfigError)?.keyPath == keyPath
        }
    }

    @Test("an unknown severity is named with the accepted ones")
    func unknownSeverityMessage() {
        #expect {
            _ = try load("advisories:\n  urgent:\n    severities: [Severe]\n")
        } throws: { error in
            "\(error)".contains("unknown severity \"Severe\"; one of: Low, Moderate, High, Critical")
        }
    }
}
