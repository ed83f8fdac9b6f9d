import ArgumentParser
import Foundation
import OSSLWatch
import OSSLWatchCore
import OSSLWatchStore

struct DraftsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drafts",
        abstract: "List drafted and sent mail, show one, approve one for sending, or retry one.",
        discussion: """
            Every message osslwatch writes (release announcements, their security variant, \
            notices to the maintainers) is first drafted: written to the Maildir \
            <state_directory>/drafts/new (open it with any mail client, e.g. `mutt -f DIR`) and \
            recorded in the outbox with an id. An announcement waits there until a human \
            approves it, with `osslwatch drafts approve ID` or `osslwatch approve RUN` (the \
            run's announce step shows waiting-approval); notices are sent at once unless \
            mail.notices.approval is true.

            Message states: drafted (waits for approval), approved (sent at the next advance), \
            sending, sent, retry-wait (temporary SMTP failure; tried again with backoff), \
            failed (the server's text says why), needs-attention (the daemon stopped during the \
            SMTP transaction: the message may have been delivered; it is never sent again \
            automatically), cancelled.

            After a failure, or after checking that a needs-attention message did not arrive, \
            `osslwatch drafts retry ID` sends it again.

            Exit status: 0 done; 64 usage; 65 no such draft, or the change is not allowed in its \
            current state (one line naming it); 69/77 recorded, but the daemon could not be \
            signalled; 73 the state store cannot be opened; 78 the configuration is invalid.
            """,
        subcommands: [
            DraftsListCommand.self, DraftsShowCommand.self, DraftsApproveCommand.self, DraftsRetryCommand.self,
        ],
        defaultSubcommand: DraftsListCommand.self
    )
}

struct DraftsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "A table of drafts, newest first: id, kind, project/run, state, subject, created."
    )

    @OptionGroup var options: GlobalOptions

    @Flag(name: .long, help: "Print the drafts as JSON (every field, with the Maildir path).")
    var json = false

    func run() async throws {
        let (configuration, store) = try options.openStore()
        let records = try storeCall { () throws(StoreError) in try store.outboxRecords() }.reversed()
        let maildir = Maildir(stateDirectory: configuration.stateDirectory)
        if json {
            struct Entry: Encodable {
                var draft: OutboxRecord
                var path: String?
            }
            struct Listing: Encodable {
                var maildir: String
                var drafts: [Entry]
            }
            let listing = Listing(
                maildir: maildir.root,
                drafts: records.map { Entry(draft: $0, path: maildir.find($0.maildirFile)) })
            print(try CheckReportRenderer.json(listing))
            return
        }
        print(Self.table(Array(records)), terminator: "")
    }

    /// The text table; one row per message, review copies marked.
    static func table(_ records: [OutboxRecord]) -> String {
        guard !records.isEmpty else {
            return "no drafts (messages appear here when a run reaches its announce step or a notice is due)\n"
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm'Z'"
        let rows = records.map { record -> [String] in
            let kind = record.role == .review ? "\(record.kind) (review copy)" : record.kind
            let owner = record.project + (record.runID.map { "/run \($0)" } ?? "")
            var state = record.state.rawValue
            if record.state == .retryWait, let next = record.nextAttempt {
                state += " until \(formatter.string(from: next))"
            }
            // A subject is clipped to 60 characters, so the table stays readable.
            let subject = record.subject.count > 60 ? record.subject.prefix(59) + "…" : record.subject
            return [String(record.id), kind, owner, state, subject, formatter.string(from: record.createdAt)]
        }
        let header = ["ID", "KIND", "PROJECT/RUN", "STATE", "SUBJECT", "CREATED"]
        return CheckReportRenderer.table([header] + rows).map { $0 + "\n" }.joined()
    }
}

struct DraftsShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print one message exactly as drafted (the Maildir file; the outbox copy if the file is gone)."
    )

    @OptionGroup var options: GlobalOptions

    @Argument(help: ArgumentHelp("The draft's id (from `osslwatch drafts`).", valueName: "id"))
    var id: Int64

    func run() async throws {
        let (configuration, store) = try options.openStore()
        guard let record = try storeCall({ () throws(StoreError) in try store.outbox(id) }) else {
            printError("osslwatch drafts show: no draft \(id) (`osslwatch drafts` lists them)")
            throw ExitCode(65)
        }
        let file = Maildir(stateDirectory: configuration.stateDirectory).find(record.maildirFile)
        let bytes =
            try file.flatMap(FileManager.default.contents(atPath:))
            ?? storeCall { () throws(StoreError) in try store.outboxMessage(id) }.map { Data($0) }
        FileHandle.standardOutput.write(bytes ?? Data())
    }
}

/// What `drafts approve` and `drafts retry` share: record the change, signal the daemon.
struct DraftChangeOptions: ParsableArguments {
    @OptionGroup var options: GlobalOptions

    @OptionGroup var daemonPIDFile: PIDFileOption

    func perform(_ verb: String, _ change: (Store) throws(StoreError) -> OutboxRecord) throws {
        let (configuration, store) = try options.openStore()
        let record: OutboxRecord
        do {
            record = try change(store)
        } catch {
            let hint = error.code == .notFound ? " (`osslwatch drafts` lists them)" : ""
            printError("osslwatch drafts \(verb): \(error.message)\(hint)")
            throw ExitCode(error.exitStatus)
        }
        var what = "draft \(record.id): \(verb) recorded; it is \(record.state.rawValue)"
        if let run = record.runID { what += " (run \(run))" }
        try signalDaemon(
            recorded: what, command: "osslwatch drafts \(verb)", stateDirectory: configuration.stateDirectory,
            now: "it sends the message now", later: "the message goes")
    }
}

struct DraftsApproveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Approve a drafted message: the daemon sends it (a run's announcement: its announce step goes on).",
        discussion: """
            Read it first with `osslwatch drafts show ID`. Approving a run's announcement is the \
            same as `osslwatch approve RUN` on its announce step. Only a drafted message can be \
            approved; anything else exits 65 with its current state.
            """
    )

    @OptionGroup var change: DraftChangeOptions

    @Argument(help: ArgumentHelp("The draft's id (from `osslwatch drafts`).", valueName: "id"))
    var id: Int64

    func run() async throws {
        try change.perform("approve") { store throws(StoreError) in try store.approveDraft(id, at: Date()) }
    }
}

struct DraftsRetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Send a failed or needs-attention message again.",
        discussion: """
            A needs-attention message may already have been delivered (the daemon stopped during \
            the SMTP transaction): check the list archive or a recipient's mailbox first. For a \
            run's announcement the announce step goes back to pending with it.
            """
    )

    @OptionGroup var change: DraftChangeOptions

    @Argument(help: ArgumentHelp("The draft's id (from `osslwatch drafts`).", valueName: "id"))
    var id: Int64

    func run() async throws {
        try change.perform("retry") { store throws(StoreError) in try store.retryDraft(id, at: Date()) }
    }
}
