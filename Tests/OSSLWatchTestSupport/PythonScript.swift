public import Foundation

/// Runs a Python 3 program given as text, the way the tests use Python's own parsers (the
/// `email` package) as independent readers of what osslwatch wrote.
public enum PythonScript {
    /// Runs `python3 -c script arguments...` with `input` on its standard input, and returns its
    /// standard output; throws with its standard error when it exits with a status other than 0.
    public static func run(_ script: String, arguments: [String], input: Data? = nil) async throws -> Data {
        let output = try await ChildProcess.run(["python3", "-c", script] + arguments, input: input)
        guard output.status == 0 else {
            throw ChildProcess.Failure(
                description: "python3 \(arguments.joined(separator: " ")) exited \(output.status): \(output.stderrText)"
            )
        }
        return output.stdout
    }
}
