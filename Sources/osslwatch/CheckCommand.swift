import ArgumentParser
import Foundation
import OSSLWatch
import OSSLWatchCore
import OSSLWatchStore

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Poll every feed once and report, per project, the linked version and its verdict.",
        discussion: """
            Feeds are fetched with the validators stored from the last poll, so an unchanged \
            feed costs one 304 and is not parsed again. A feed that failed is not polled \
            again before its backoff ends (exponential, with jitter, capped); --force polls it \
            anyway. A server's Retry-After or GitHub's rate-limit reset holds even then.

            A release counts once it is confirmed: seen by confirmation.min_feeds feeds (default 2), \
            or by one feed while its tarball matches the published .sha256.

            Verdicts: up-to-date; patch-update (a confirmed newer release of the linked series: \
            a downstream release is due); new-series (a newer stable series exists: a notice); \
            prerelease (only for projects that ask for them); eol-soon and linked-series-eol \
            (from the release metadata); unknown (no newer release known, but no release feed \
            was read successfully within three of its intervals: no evidence for up-to-date). \
            A server's hold lasts a day at most (http.max_retry_after). With advisory feeds, \
            each project also shows the known CVEs of its linked version (cves), what the \
            update fixes and its highest severity (fixes), and a pre-announced release \
            (expected); --json carries the same.

            Exit status, the first that applies:
            \(CheckExitCode.allCases.map { "  \(String(format: "%2d", $0.rawValue))  \($0.meaning)" }.joined(separator: "\n"))
              73  the state directory or database cannot be created
              74  a row of the store does not read back (the line names table, key and column)
            """
    )

    @OptionGroup var options: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("State directory (overrides the configuration).", valueName: "dir"))
    var stateDir: String?

    @Flag(name: .long, help: "Print the report as JSON.")
    var json = false

    @Flag(name: .long, help: "Poll feeds even while they back off after errors (never before a server's Retry-After).")
    var force = false

    func run() async throws {
        let configuration = try options.loadConfiguration()
        let logger = options.makeLogger()
        let store = try openStore(directory: stateDir ?? configuration.stateDirectory)
        let surroundings = Surroundings.system(environment: ProcessInfo.processInfo.environment)
        let watcher = Watcher(configuration: configuration, store: store, surroundings: surroundings, logger: logger)
        let round = await PollRound(watcher: watcher).perform(force: force)
        let report: CheckReport
        do {
            report = try CheckReport(round, store: store)
        } catch let error as StoreError {
            // An unreadable row: one line naming it, and the store's sysexits status.
            printError("osslwatch: \(error)")
            throw ExitCode(error.exitStatus)
        }
        print(
            json ? try CheckReportRenderer.json(report) : CheckReportRenderer.text(report), terminator: json ? "\n" : ""
        )
        throw ExitCode(report.exitCode.rawValue)
    }
}
