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

    @Argument(help: ArgumentHelp("The run's id (from `osslwatch runs`).", valueName: "run"))
    var run: Int64

    func run() async throws {
        try change.perform(.cancel, run: run)
    }
}
