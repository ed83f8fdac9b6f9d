import ArgumentParser
import OSSLWatch

struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Stop a run for good; none of its steps runs again.",
        discussion: "A run that is done, failed, cancelled or superseded cannot be cancelled.\n\n"
            + RunChangeOptions.exitStatus
    )

    @OptionGroup var change: RunChangeOptions

    func run() async throws {
        try change.perform(.cancel)
    }
}
