import Foundation
import Testing

@testable import OSSLWatch

@Suite struct PIDFileTests {
    @Test("the default path is the first RUNTIME_DIRECTORY entry, else /run/osslwatch")
    func defaultPath() {
        #expect(PIDFile.defaultPath(environment: [:]) == "/run/osslwatch/osslwatch.pid")
        #expect(PIDFile.defaultPath(environment: ["RUNTIME_DIRECTORY": ""]) == "/run/osslwatch/osslwatch.pid")
        #expect(PIDFile.defaultPath(environment: ["RUNTIME_DIRECTORY": "/run/a"]) == "/run/a/osslwatch.pid")
        #expect(PIDFile.defaultPath(environment: ["RUNTIME_DIRECTORY": "/run/a:/run/b"]) == "/run/a/osslwatch.pid")
    }

    @Test("write replaces the file with the pid and a newline, mode 0644, leaving no temporary behind")
    func writeAtomically() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = PIDFile(path: directory + "/osslwatch.pid")
        let previous = umask(0o077)
        defer { umask(previous) }
        try file.write(pid: 12345)
        try file.write(pid: 4242)
        #expect(try String(contentsOfFile: file.path, encoding: .utf8) == "4242\n")
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o644)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["osslwatch.pid"])
    }

    @Test("write into a missing directory is an io error naming the file")
    func writeFails() throws {
        let file = PIDFile(path: "/nonexistent-\(UUID().uuidString)/osslwatch.pid")
        let error = try #require(throws: PIDFileError.self) { try file.write(pid: 1) }
        #expect(error.code == .io)
        #expect(error.description.contains("osslwatch.pid"))
    }

    @Test("remove deletes the file only while it holds this process's pid")
    func remove() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = PIDFile(path: directory + "/osslwatch.pid")
        try file.write(pid: getpid() + 1)
        file.remove()
        #expect(FileManager.default.fileExists(atPath: file.path))
        try file.write(pid: getpid())
        file.remove()
        #expect(!FileManager.default.fileExists(atPath: file.path))
        file.remove()
    }

    static func directory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("osslwatch-pid-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
