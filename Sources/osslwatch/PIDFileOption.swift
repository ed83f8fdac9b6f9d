import ArgumentParser
import Foundation
import OSSLWatch

/// `--pid-file`, shared by every command that finds the running daemon (or, for `run`, writes
/// the file the others read), so all of them agree on the option and its default.
struct PIDFileOption: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Pid file (default: $RUNTIME_DIRECTORY/osslwatch.pid, else /run/osslwatch/osslwatch.pid).",
            valueName: "path"))
    var pidFile: String?

    /// The path given, else the default the daemon uses in this environment.
    var path: String { pidFile ?? PIDFile.defaultPath(environment: ProcessInfo.processInfo.environment) }

    /// The pid file at `path`.
    var file: PIDFile { PIDFile(path: path) }
}
