import Foundation
import OSSLWatch
import OSSLWatchTransport
import Testing

@Suite struct CredentialFileTests {
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("osslwatch-cred-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("the file's content is returned without surrounding whitespace")
    func trims() throws {
        let directory = try temporaryDirectory()
        let file = directory.appendingPathComponent("github-token")
        try Data("  ghp_abc\n\n".utf8).write(to: file)
        #expect(try CredentialFile.read(name: file.path, environment: [:]) == "ghp_abc")
    }

    @Test("$CREDENTIALS_DIRECTORY/<name> is preferred over the configured path")
    func credentialsDirectoryFirst() throws {
        let configured = try temporaryDirectory()
        let systemd = try temporaryDirectory()
        try Data("from-config".utf8).write(to: configured.appendingPathComponent("github-token"))
        try Data("from-systemd".utf8).write(to: systemd.appendingPathComponent("github-token"))
        let token = try CredentialFile.read(
            name: configured.appendingPathComponent("github-token").path,
            environment: ["CREDENTIALS_DIRECTORY": systemd.path]
        )
        #expect(token == "from-systemd")
    }

    @Test("the configured path is used when $CREDENTIALS_DIRECTORY lacks the credential")
    func fallsBackToPath() throws {
        let configured = try temporaryDirectory()
        let systemd = try temporaryDirectory()
        try Data("from-config".utf8).write(to: configured.appendingPathComponent("github-token"))
        let token = try CredentialFile.read(
            name: configured.appendingPathComponent("github-token").path,
            environment: ["CREDENTIALS_DIRECTORY": systemd.path]
        )
        #expect(token == "from-config")
    }

    @Test("a missing file is a clear .missing error naming the path")
    func missing() throws {
        let path = try temporaryDirectory().appendingPathComponent("nope").path
        #expect {
            try CredentialFile.read(name: path, environment: [:])
        } throws: { error in
            (error as? CredentialError)?.code == .missing && "\(error)".contains(path)
        }
    }

    @Test("a whitespace-only file is an .empty error that does not echo the content")
    func empty() throws {
        let file = try temporaryDirectory().appendingPathComponent("token")
        try Data(" \n\t\n".utf8).write(to: file)
        #expect {
            try CredentialFile.read(name: file.path, environment: [:])
        } throws: { error in
            (error as? CredentialError)?.code == .empty
        }
    }
}
