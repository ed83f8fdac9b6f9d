public import Foundation

/// Runs the real `osslwatch` executable that `swift build --build-tests` put beside the test bundle.
public struct OSSLWatchBinary {
    public struct Result {
        public var status: Int32
        public var stdout: String
        public var stderr: String

        public init(status: Int32, stdout: String, stderr: String) {
            self.status = status
            self.stdout = stdout
            self.stderr = stderr
        }

        /// stdout decoded as a JSON object (for `--json` output).
        public func json() throws -> [String: Any] {
            let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8))
            guard let dictionary = object as? [String: Any] else {
                throw Failure(description: "stdout is not a JSON object: \(stdout.prefix(200))")
            }
            return dictionary
        }
    }

    /// A test's own failure around the binary (a missing tool, unexpected output).
    public typealias Failure = ChildProcess.Failure

    /// The build products folder: the test runner's own folder.
    public static var productsDirectory: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    }

    public static var path: String {
        var directory = productsDirectory
        // On Linux the runner is <products>/osslwatchPackageTests.xctest; elsewhere it may sit deeper.
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("osslwatch").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return productsDirectory.appendingPathComponent("osslwatch").path
    }

    /// Runs `osslwatch arguments...` to completion through `ChildProcess`, without the systemd
    /// variables of the runner's own environment (`CREDENTIALS_DIRECTORY`, `STATE_DIRECTORY`)
    /// and with `environment` added.
    public static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Result {
        var changes: [String: String?] = ["CREDENTIALS_DIRECTORY": nil, "STATE_DIRECTORY": nil]
        for (key, value) in environment { changes[key] = value }
        let output = try await ChildProcess.run([path] + arguments, environment: ChildProcess.environment(changes))
        return Result(status: output.status, stdout: output.stdoutText, stderr: output.stderrText)
    }
}
