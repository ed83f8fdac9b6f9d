import ArgumentParser
import OSSLWatch
import OSSLWatchCore
import OSSLWatchTransport

@main
struct OSSLWatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "osslwatch",
        abstract: "Watch OpenSSL releases and tell, per project, what is new against the linked version.",
        discussion: """
            osslwatch polls OpenSSL's release feeds (GitHub releases and tags, the GitHub REST \
            API, the source listing, the release metadata) and its security advisories (advisory \
            texts, CVE records, the announce list's pre-announcements) with conditional requests, \
            and compares every release it sees with the OpenSSL version each configured project \
            statically links: which known CVEs affect it, what an update fixes and how severe, \
            when its series ends.

            As a service (`osslwatch run`) it walks each project's release checklist when a \
            patch release is due, and with a mail: section drafts the release announcement and \
            the maintainers' notices into a Maildir and sends each once over SMTP (announcements \
            after approval: `osslwatch drafts`).

            Configuration: \(ConfigLoader.defaultPath) unless --config names another file. \
            Validate one with `osslwatch config check --config FILE`.
            """,
        version: OSSLWatchVersion.current,
        subcommands: [
            CheckCommand.self, ConfigCommand.self, RunCommand.self, StatusCommand.self, TriggerCommand.self,
            RunsCommand.self, ApproveCommand.self, RetryCommand.self, SkipCommand.self, CancelCommand.self,
            DraftsCommand.self,
        ]
    )
}
