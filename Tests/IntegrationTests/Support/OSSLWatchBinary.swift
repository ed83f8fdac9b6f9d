import Foundation

/// Runs the real `osslwatch` executable that `swift build --build-tests` put beside the test bundle.
struct OSSLWatchBinary {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String

        /// stdout decoded as a JSON object (for `--json` output).
        func json() throws -> [String: Any] {
            let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8))
            guard let dictionary = object as? [String: Any] else {
                throw Failure(description: "stdout is not a JSON object: \(stdout.prefix(200))")
            }
            return dictionary
        }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The build products folder: the test runner's own folder.
    static var productsDirectory: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    }

    static var path: String {
        var directory = productsDirectory
        // On Linux the runner is <products>/osslwatchPackageTests.xctest; elsewhere it may sit deeper.
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("osslwatch").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return productsDirectory.appendingPathComponent("osslwatch").path
    }

    /// Runs `osslwatch arguments...` to completion; output is collected on threads of their own
    /// so a chatty child never blocks on a full pipe, and the exit is awaited without holding a
    /// cooperative-pool thread.
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "CREDENTIALS_DIRECTORY")
        env.removeValue(forKey: "STATE_DIRECTORY")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardInput = FileHandle.nullDevice
        let output = try await ChildProcess.run(process)
        return Result(
            status: output.status, stdout: String(decoding: output.stdout, as: UTF8.self),
            stderr: String(decoding: output.stderr, as: UTF8.self))
    }
}
