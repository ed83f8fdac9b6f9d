import ArgumentParser
import Foundation
import OSSLWatch
import OSSLWatchStore

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show feeds, verdicts and pending requests from the state store; the daemon need not run.",
        discussion: """
            Reads the state store and the daemon's pid file only: no network. Shows whether the \
            daemon is running, each configured feed's health (last success, error streak, next \
            poll), each project's latest saved verdict with its time (with its known CVEs, what \
            the update fixes, end of life and an expected release, as `osslwatch check` shows \
            them), and the requests `osslwatch trigger` recorded that the daemon has not handled yet.

            Exit status: 0 shown; 73 the state store cannot be opened; 78 the configuration is invalid.
            """
    )

    @OptionGroup var options: GlobalOptions

    @Flag(name: .long, help: "Print the status as JSON.")
    var json = false

    @OptionGroup var daemonPIDFile: PIDFileOption

    func run() async throws {
        let (configuration, store) = try options.openStore()
        let file = daemonPIDFile.file
        let report = try storeCall { () throws(StoreError) in
            try StatusReport.load(configuration: configuration, store: store, pidFile: file)
        }
        print(json ? try StatusReportRenderer.json(report) : StatusReportRenderer.text(report), terminator: "")
    }
}
