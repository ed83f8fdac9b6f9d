import Foundation

/// Runs the system `sqlite3` shell: a second process on the same database, as the CLI is to the daemon.
enum SQLiteShell {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static let executable = "/usr/bin/sqlite3"

    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: executable) }

    /// Runs `script` to completion and returns its standard output.
    @discardableResult
    static func run(database: String, script: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-batch", database]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data((".timeout 5000\n" + script + "\n").utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "sqlite3 exited \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
