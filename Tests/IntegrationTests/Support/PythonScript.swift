import Foundation

/// Runs a Python 3 program given as text, the way the tests use Python's own parsers (the
/// `email` package) as independent readers of what osslwatch wrote.
enum PythonScript {
    struct Failed: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs `python3 -c script arguments...` with `input` on its standard input, and returns its
    /// standard output; throws with its standard error when it exits with a status other than 0.
    static func run(_ script: String, arguments: [String], input: Data? = nil) async throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let output = try await ChildProcess.run(process, input: input)
        guard output.status == 0 else {
            let errorText = String(decoding: output.stderr, as: UTF8.self)
            throw Failed(
                description: "python3 \(arguments.joined(separator: " ")) exited \(output.status): \(errorText)")
        }
        return output.stdout
    }
}
