import ArgumentParser
import Foundation
import OSSLWatch
import OSSLWatchCore
import OSSLWatchStore

struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List release-pipeline runs, or show one with every step and attempt.",
        discussion: """
            Reads the state store only; the daemon need not run. A run is one project moving to \
            one OpenSSL version through its configured checklist.

            Run states: active, waiting-approval, needs-attention, failed, done, cancelled, superseded.
            Step states: pending, running, done, failed, waiting-approval, needs-attention, skipped.

            Act on a run with `osslwatch approve`, `retry`, `skip` and `cancel`.

            Exit status: 0 shown; 65 no such run (show); 73 the state store cannot be opened; \
            78 the configuration is invalid.
            """,
        subcommands: [RunsListCommand.self, RunsShowCommand.self],
        defaultSubcommand: RunsListCommand.self
    )
}

struct RunsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "A table of runs, newest first: id, project, previous → target, next release, state, step, updated."
    )

    @OptionGroup var options: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Only the runs of this project.", valueName: "name"))
    var project: String?

    @Flag(name: .long, help: "Print the runs as JSON.")
    var json = false

    func run() async throws {
        let (_, store) = try options.openStore()
        let report = try storeCall { () throws(StoreError) in
            try RunsReport.load(store: store, project: project, now: Date())
        }
        print(json ? try RunsReportRenderer.json(report) : RunsReportRenderer.text(report), terminator: "")
    }
}

struct RunsShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Every step of one run: state, reason, attempts with start and end times, exit codes, log paths."
    )

    @OptionGroup var options: GlobalOptions

    @Argument(help: ArgumentHelp("The run's id (from `osslwatch runs`).", valueName: "run"))
    var run: Int64

    @Flag(name: .long, help: "Print the run as JSON.")
    var json = false

    func run() async throws {
        let (_, store) = try options.openStore()
        let id = run
        let found = try storeCall { () throws(StoreError) in
            try RunsReportDetail.load(store: store, run: id, now: Date())
        }
        guard let detail = found else {
            printError("osslwatch runs show: no run \(run) (`osslwatch runs` lists them)")
            throw ExitCode(65)
        }
        print(json ? try RunsReportRenderer.json(detail) : RunsReportRenderer.text(detail), terminator: "")
    }
}

extension GlobalOptions {
    /// The configuration (its files unchecked: a command reading the store needs none of them) and
    /// the state store it names, or ends with the status and one line of whichever failed.
    func openStore() throws -> (Configuration, Store) {
        let configuration = try loadConfiguration(checkFiles: false)
        return (configuration, try osslwatch.openStore(directory: configuration.stateDirectory))
    }
}

/// Opens the state store in `directory`, or ends with EX_CANTCREAT and one line.
func openStore(directory: String) throws -> Store {
    do {
        return try Store(directory: directory)
    } catch {
        printError("osslwatch: cannot open the state store in \(directory): \(error)")
        throw ExitCode(73)
    }
}

/// Runs a store read, turning its error into one line and its sysexits status.
func storeCall<T>(_ body: () throws(StoreError) -> T) throws -> T {
    do {
        return try body()
    } catch {
        printError("osslwatch: \(error)")
        throw ExitCode(error.exitStatus)
    }
}
