/// One command as a step configures it: an argv, never a shell string, so no value can be
/// re-parsed into extra words or commands on the way to the program.
public struct CommandSpec: Sendable, Hashable, Codable {
    /// The program and its arguments; a program without `/` is looked up in the child's `PATH`.
    public var argv: [String]
    /// The directory the program starts in; `nil` keeps the daemon's.
    public var workingDirectory: String?
    /// Seconds before the command's process group gets SIGTERM (then SIGKILL after the grace period).
    public var timeout: Double
    /// Extra variables from the config, added to the minimal base; the run's facts win over them.
    public var environment: [String: String]

    public init(
        argv: [String], workingDirectory: String? = nil, timeout: Double = 600, environment: [String: String] = [:]
    ) {
        self.argv = argv
        self.workingDirectory = workingDirectory
        self.timeout = timeout
        self.environment = environment
    }
}
