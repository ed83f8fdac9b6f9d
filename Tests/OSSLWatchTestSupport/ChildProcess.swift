public import Foundation
import Synchronization

/// The one way the tests run a program to its end: argv, working directory, environment and
/// standard input in; exit status and captured output out.
///
/// The cooperative pool has as many threads as cores (two on the test machine); a test that
/// blocks one in `waitUntilExit` or a pipe read starves every other test, so their awaits resume
/// late and their deadlines pass. `run` therefore does all its blocking on a thread of its own;
/// `runBlocking` is the same on the calling thread, for code that already has a thread of its
/// own (a `Thread`, a lazily made fixture) or a synchronous test.
public enum ChildProcess {
    /// Where the child's standard error goes.
    public enum StandardError: Sendable {
        /// Its own pipe, returned as `Output.stderr`.
        case separate
        /// The same pipe as standard output, so `Output.stdout` interleaves both.
        case merged
        /// Left as the test runner's own.
        case inherited
    }

    /// What a finished child left: how it exited and what it wrote.
    public struct Output: Sendable {
        /// The command line it ran, for messages.
        public var argv: [String]
        public var status: Int32
        public var stdout: Data
        public var stderr: Data

        /// Standard output decoded as UTF-8.
        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        /// Standard error decoded as UTF-8 (empty unless it was `.separate`).
        public var stderrText: String { String(decoding: stderr, as: UTF8.self) }

        /// The throwing variant: standard output as text when the child exited 0, otherwise a
        /// `Failure` naming the command line, the status and everything it wrote.
        @discardableResult
        public func checked() throws -> String {
            guard status == 0 else {
                throw Failure(description: "\(argv) exited \(status): \(stdoutText)\(stderrText)")
            }
            return stdoutText
        }
    }

    /// A child that exited with a status other than 0, or a command line that cannot start.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// The test runner's environment with `changes` applied (a nil value removes the variable).
    public static func environment(_ changes: [String: String?]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in changes { environment[key] = value }
        return environment
    }

    /// Runs `argv` to its end without holding a cooperative-pool thread.
    ///
    /// `argv[0]` is a path when it holds a `/`, otherwise a name looked up on `PATH`.
    /// `directory` is the working directory (the runner's own when nil); `environment` is the
    /// whole environment (the runner's own when nil); `input`, when given, is written to
    /// standard input and then closed, otherwise standard input is `/dev/null`. Standard output
    /// and error are read to their ends concurrently, so a chatty child never blocks on a full pipe.
    public static func run(
        _ argv: [String], in directory: String? = nil, environment: [String: String]? = nil, input: Data? = nil,
        stderr: StandardError = .separate
    ) async throws -> Output {
        try await OwnThread.run {
            try runBlocking(argv, in: directory, environment: environment, input: input, stderr: stderr)
        }
    }

    /// `run` on the calling thread: never call it from a task on the cooperative pool.
    public static func runBlocking(
        _ argv: [String], in directory: String? = nil, environment: [String: String]? = nil, input: Data? = nil,
        stderr: StandardError = .separate
    ) throws -> Output {
        guard let program = argv.first else { throw Failure(description: "an empty command line") }
        let process = Process()
        if program.contains("/") {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = Array(argv.dropFirst())
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = argv
        }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if let environment { process.environment = environment }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        switch stderr {
        case .separate: process.standardError = err
        case .merged: process.standardError = out
        case .inherited: break
        }
        let stdin = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        try process.run()

        let helpers = DispatchGroup()
        let errorText = Collected()
        if let input {
            let writer = stdin.fileHandleForWriting
            helpers.enter()
            Thread.detachNewThread {
                writer.write(input)
                try? writer.close()
                helpers.leave()
            }
        }
        if stderr == .separate {
            let reader = err.fileHandleForReading
            helpers.enter()
            Thread.detachNewThread {
                errorText.set(reader.readDataToEndOfFile())
                helpers.leave()
            }
        }
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        helpers.wait()
        process.waitUntilExit()
        return Output(argv: argv, status: process.terminationStatus, stdout: stdoutData, stderr: errorText.get())
    }

    /// Bytes one thread reads and another takes once it has finished.
    private final class Collected: Sendable {
        private let data = Mutex(Data())

        func set(_ value: Data) { data.withLock { $0 = value } }
        func get() -> Data { data.withLock { $0 } }
    }
}
