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

    /// Runs `osslwatch arguments...` to completion; output is collected on background threads
    /// so a chatty child never blocks on a full pipe.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "CREDENTIALS_DIRECTORY")
        env.removeValue(forKey: "STATE_DIRECTORY")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdout = Collector(out.fileHandleForReading)
        let stderr = Collector(err.fileHandleForReading)
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: stdout.wait(), stderr: stderr.wait())
    }

    /// Reads a pipe to its end on its own thread.
    private final class Collector: @unchecked Sendable {
        private var data = Data()
        private let done = DispatchSemaphore(value: 0)

        init(_ handle: FileHandle) {
            Thread.detachNewThread { [self] in
                data = handle.readDataToEndOfFile()
                done.signal()
            }
        }

        func wait() -> String {
            done.wait()
            return String(decoding: data, as: UTF8.self)
        }
    }
}
