import ArgumentParser
import OSSLWatch
import OSSLWatchCore

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Work with the configuration file.",
        subcommands: [ConfigCheckCommand.self]
    )
}

struct ConfigCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a configuration file without touching anything.",
        discussion: """
            Reads the file, checks every key, URL, regular expression and named file, and
            prints a summary. On the first problem it prints one line naming the file and the
            key path, and exits 78 (EX_CONFIG).
            """
    )

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let configuration = try options.loadConfiguration()
        print("\(options.config): OK")
        print("  feeds:    \(configuration.feeds.map(\.name).joined(separator: ", "))")
        print("  projects: \(configuration.projects.map(\.name).joined(separator: ", "))")
    }
}
