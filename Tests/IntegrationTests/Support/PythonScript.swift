import Foundation

/// Runs a Python 3 program given as text, the way the tests use Python's own parsers (the
/// `email` package) as independent readers of what osslwatch wrote.
enum PythonScript {
    struct Failed: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs `python3 -c script arguments...` with `input` on its standard input, and returns its
    /// standard output; throws with its standard error when it exits with a status other than 0.
    static func run(_ script: String, arguments: [String], input: Data? = nil) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        let stdin = Pipe()
        if input != nil { process.standardInput = stdin }
        try process.run()
        if let input {
            stdin.fileHandleForWriting.write(input)
            try stdin.fileHandleForWriting.close()
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failed(
                description:
                    "python3 \(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(errorText)")
        }
        return data
    }
}
