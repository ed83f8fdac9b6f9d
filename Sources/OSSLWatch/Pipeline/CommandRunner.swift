import Foundation
import Glibc
public import OSSLWatchCore
import OSSLWatchTransport

/// Runs the programs a run needs (configured `command` steps, git, gpgv) the one safe way:
/// an argv through `posix_spawn`, never a shell; a minimal environment plus the run's facts,
/// never the daemon's own (which may hold secrets); output to per-attempt log files; a
/// timeout that stops the whole process group, grandchildren included, and no leftover of
/// the group once the command has ended.
///
/// The wait happens on a dedicated thread, never on Swift's small cooperative pool, so a
/// slow build cannot starve the daemon's other tasks. Cancelling the calling task stops the
/// command like a timeout does.
public struct CommandRunner: Sendable {
    /// Where `<step>-attempt<N>.out` and `.err` are written; created when missing.
    public var logDirectory: String
    /// The variables every command starts from: `minimalEnvironment(from:)` of the environment
    /// the entry point read, never the process's own read here.
    public var baseEnvironment: [String: String]
    /// Seconds between SIGTERM and SIGKILL when a command outlives its timeout.
    public var gracePeriod: Double = CommandRunner.defaultGracePeriod
    /// When set, `run` starts nothing and returns what it would run, for `--dry-run`.
    public var dryRun: Bool = false
    /// The `ChildLock` file every child holds shared (`<state directory>/children.lock`), so
    /// git lock recovery can prove no child still runs; `nil` for none.
    public var childLockPath: String?

    /// Seconds a stopped command gets between SIGTERM and SIGKILL.
    public static let defaultGracePeriod = 5.0

    /// The longest a cancelled command with the default grace takes to be gone: the grace,
    /// then the wait for its SIGKILLed group. The daemon waits at least this long after
    /// cancelling a step, so it never exits before its children.
    public static var longestStop: Duration {
        SpawnedProcess.seconds(defaultGracePeriod) + SpawnedProcess.killWait
    }

    /// The three variables a program needs to behave normally (`PATH`, `HOME`, `LANG`) taken
    /// from `parent`, with safe defaults; nothing else of the daemon's environment passes.
    public static func minimalEnvironment(from parent: [String: String]) -> [String: String] {
        var environment = ["PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"]
        for key in ["PATH", "LANG", "HOME"] where !(parent[key] ?? "").isEmpty { environment[key] = parent[key] }
        return environment
    }

    /// The environment `spec` runs with: the base, then the spec's extras, then the facts
    /// (so a config cannot shadow an `OSSLWATCH_*` fact).
    public func environment(for spec: CommandSpec, facts: RunFacts?) -> [String: String] {
        var environment = baseEnvironment
        environment.merge(spec.environment) { _, extra in extra }
        if let facts { environment.merge(facts.environment) { _, fact in fact } }
        return environment
    }

    public func logPaths(step: String, attempt: Int) -> (stdout: String, stderr: String) {
        let base = URL(fileURLWithPath: logDirectory).appendingPathComponent("\(step)-attempt\(attempt)").path
        return (base + ".out", base + ".err")
    }

    /// Runs `spec` as attempt `attempt` of `step` and reports how it ended. A non-zero exit
    /// is an outcome, not an error (call `requireSuccess()`); errors are for commands that
    /// could not be started at all.
    public func run(_ spec: CommandSpec, step: String, attempt: Int, facts: RunFacts? = nil)
        async throws(StepError) -> CommandOutcome
    {
        guard let program = spec.argv.first, !program.isEmpty else {
            throw StepError(.invalidInput, "step \(step): the command has no program (empty argv)")
        }
        guard RunFacts.isPlainName(step) else {
            throw StepError(.invalidInput, "step name \(step.debugDescription) must be letters, digits, . _ -")
        }
        guard attempt >= 1 else {
            throw StepError(.invalidInput, "step \(step): attempt \(attempt) must be 1 or more")
        }
        guard spec.timeout > 0, spec.timeout.isFinite else {
            throw StepError(.invalidInput, "step \(step): timeout \(spec.timeout) must be a positive number of seconds")
        }
        for word in spec.argv + [spec.workingDirectory ?? ""] where word.utf8.contains(0) {
            throw StepError(.invalidInput, "step \(step): an argument contains a NUL byte")
        }
        if let directory = spec.workingDirectory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue
            else {
                throw StepError(.spawnFailed, "step \(step): working directory \(directory) does not exist")
            }
        }
        let environment = environment(for: spec, facts: facts)
        for (key, value) in environment where key.isEmpty || key.contains("=") || (key + value).utf8.contains(0) {
            throw StepError(.invalidInput, "step \(step): environment variable \(key.debugDescription) is malformed")
        }
        if dryRun {
            return CommandOutcome(
                argv: spec.argv, environment: environment, workingDirectory: spec.workingDirectory,
                termination: .notRun, duration: .zero, stdoutPath: nil, stderrPath: nil)
        }
        try PipelineFiles.makeDirectory(logDirectory, kind: "log directory")
        let logs = logPaths(step: step, attempt: attempt)
        let executable = try Self.resolve(
            program, path: environment["PATH"] ?? "", workingDirectory: spec.workingDirectory)
        let request = SpawnRequest(
            executable: executable, argv: spec.argv, environment: environment,
            workingDirectory: spec.workingDirectory, stdoutPath: logs.stdout, stderrPath: logs.stderr,
            timeout: spec.timeout, gracePeriod: gracePeriod, childLockPath: childLockPath)
        let result = await DedicatedThread.run(name: "osslwatch-command") { cancellation in
            SpawnedProcess.run(request, cancellation: cancellation)
        }
        let (termination, duration) = try result.get()
        return CommandOutcome(
            argv: spec.argv, environment: environment, workingDirectory: spec.workingDirectory,
            termination: termination, duration: duration, stdoutPath: logs.stdout, stderrPath: logs.stderr)
    }

    /// The file to execute: `program` itself when it names a path, else the first
    /// executable `program` in the child's `PATH` (not the daemon's).
    static func resolve(_ program: String, path: String, workingDirectory: String?) throws(StepError) -> String {
        if program.contains("/") {
            let full =
                program.hasPrefix("/") || workingDirectory == nil
                ? program : URL(fileURLWithPath: workingDirectory ?? "").appendingPathComponent(program).path
            guard isExecutableFile(full) else {
                throw StepError(.spawnFailed, "\(program) is not an executable file")
            }
            return full
        }
        for directory in path.split(separator: ":") where directory.hasPrefix("/") {
            let candidate = "\(directory)/\(program)"
            if isExecutableFile(candidate) { return candidate }
        }
        throw StepError(.spawnFailed, "\(program) was not found in PATH \(path)")
    }

    private static func isExecutableFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
            && access(path, X_OK) == 0
    }
}

/// What one attempt of a command did, with everything `osslwatch runs show` needs to
/// explain it: how it ended, how long it took and where its output is.
public struct CommandOutcome: Sendable, Hashable {
    /// How the attempt ended.
    public enum Termination: Sendable, Hashable, CustomStringConvertible {
        /// The program exited with this status.
        case exited(Int32)
        /// The program was killed by this signal (not by the runner).
        case signaled(Int32)
        /// The runner stopped it at its timeout (SIGTERM, then SIGKILL to the process group).
        case timedOut
        /// The runner stopped it because the calling task was cancelled.
        case cancelled
        /// Dry run: nothing was started.
        case notRun

        public var description: String {
            switch self {
            case .exited(let status): return "exit status \(status)"
            case .signaled(let signal): return "killed by signal \(signal)"
            case .timedOut: return "timed out"
            case .cancelled: return "cancelled"
            case .notRun: return "not run (dry run)"
            }
        }
    }

    public var argv: [String]
    /// The complete environment the program got (or would get, in a dry run).
    public var environment: [String: String]
    public var workingDirectory: String?
    public var termination: Termination
    public var duration: Duration
    /// `<log directory>/<step>-attempt<N>.out`; `nil` in a dry run.
    public var stdoutPath: String?
    /// `<log directory>/<step>-attempt<N>.err`; `nil` in a dry run.
    public var stderrPath: String?

    /// Whether the command exited 0 (a dry run counts as success: it did what was asked).
    public var succeeded: Bool {
        termination == .exited(0) || termination == .notRun
    }

    /// Throws a `StepError` naming the program, how it ended and where its stderr is, unless it succeeded.
    public func requireSuccess() throws(StepError) {
        guard !succeeded else { return }
        let program = argv.first ?? "command"
        let logs = stderrPath.map { " (stderr in \($0))" } ?? ""
        switch termination {
        case .timedOut: throw StepError(.timedOut, "\(program) timed out and was stopped\(logs)")
        case .cancelled: throw StepError(.cancelled, "\(program) was stopped because the run was cancelled\(logs)")
        default: throw StepError(.commandFailed, "\(program) failed: \(termination)\(logs)")
        }
    }
}
