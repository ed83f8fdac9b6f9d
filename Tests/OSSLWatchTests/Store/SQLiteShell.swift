import Foundation
import OSSLWatchTestSupport

/// Runs the system `sqlite3` shell: a second process on the same database, as the CLI is to the daemon.
enum SQLiteShell {
    static let executable = "/usr/bin/sqlite3"

    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: executable) }

    /// Runs `script` to completion and returns its standard output.
    @discardableResult
    static func run(database: String, script: String) throws -> String {
        try ChildProcess.runBlocking(
            [executable, "-batch", database], input: Data((".timeout 5000\n" + script + "\n").utf8)
        ).checked()
    }
}
