import ArgumentParser
import Foundation
import OSSLWatch

/// `--pid-file`: the file `run` writes. The commands that signal the daemon accept it (scripts
/// pass it) but find the daemon through the state directory's `StateLock`, which a recycled
/// pid cannot fake.
struct PIDFileOption: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Pid file the daemon writes for people and tools (default: $RUNTIME_DIRECTORY/osslwatch.pid, else "
                + "/run/osslwatch/osslwatch.pid). Other commands accept it but find the daemon through the lock on "
                + "its state directory, never through this file.",
            valueName: "path"))
    var pidFile: String?

    /// The path given, else the default the daemon uses in this environment.
    var path: String { pidFile ?? PIDFile.defaultPath(environment: ProcessInfo.processInfo.environment) }

    /// The pid file at `path`.
    var file: PIDFile { PIDFile(path: path) }
}
