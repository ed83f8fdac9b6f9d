import Foundation
import Synchronization

/// Runs child programs from async tests without holding a cooperative-pool thread.
///
/// The pool has as many threads as cores (two on the test machine); a test that blocks one in
/// `waitUntilExit` or a pipe read starves every other test, so their awaits resume late and
/// their deadlines pass. Here the blocking reads happen on threads of their own and the exit
/// is awaited through `terminationHandler`.
enum ChildProcess {
    /// Where the child's standard error goes.
    enum StandardError {
        /// Its own pipe, returned as `Output.stderr`.
        case separate
        /// The same pipe as standard output, so `Output.stdout` interleaves both.
        case merged
        /// Left as the test runner's own.
        case inherited
    }

    struct Output {
        var status: Int32
        var stdout: Data
        var stderr: Data
    }

    /// Runs `process` to its end: `input` (when given) is written to its standard input and then
    /// closed; standard output and error are read to their ends concurrently, so a chatty child
    /// never blocks on a full pipe.
    static func run(_ process: Process, input: Data? = nil, stderr: StandardError = .separate) async throws -> Output {
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        switch stderr {
        case .separate: process.standardError = err
        case .merged: process.standardError = out
        case .inherited: break
        }
        let stdin = Pipe()
        if input != nil { process.standardInput = stdin }
        let exit = Exit()
        process.terminationHandler = { ended in exit.finish(ended.terminationStatus) }
        try process.run()
        let writer = stdin.fileHandleForWriting
        async let written: Void = OwnThread.run {
            guard let input else { return }
            writer.write(input)
            try? writer.close()
        }
        let outReader = out.fileHandleForReading
        let errReader = err.fileHandleForReading
        async let stdoutData = OwnThread.run { outReader.readDataToEndOfFile() }
        async let stderrData = OwnThread.run { stderr == .separate ? errReader.readDataToEndOfFile() : Data() }
        let status = await exit.status()
        await written
        return Output(status: status, stdout: await stdoutData, stderr: await stderrData)
    }

    /// The exit status, delivered once by `terminationHandler` to whoever awaits it.
    private final class Exit: Sendable {
        private struct State {
            var status: Int32?
            var waiter: CheckedContinuation<Int32, Never>?
        }

        private let state = Mutex(State())

        func finish(_ status: Int32) {
            let waiter = state.withLock { state -> CheckedContinuation<Int32, Never>? in
                state.status = status
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: status)
        }

        func status() async -> Int32 {
            await withCheckedContinuation { continuation in
                let known = state.withLock { state -> Int32? in
                    if state.status == nil { state.waiter = continuation }
                    return state.status
                }
                if let known { continuation.resume(returning: known) }
            }
        }
    }
}

/// Blocking work moved off the cooperative pool.
enum OwnThread {
    /// Runs `body` on a new thread and suspends the caller until it returns.
    static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: body()) }
        }
    }

    /// Runs `body` on a new thread and suspends the caller until it returns or throws.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }
}
