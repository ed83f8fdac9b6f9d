import Foundation
import OSSLWatch
import Testing

@Suite struct MaildirTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("osslwatch-maildir-\(UUID().uuidString)")
        .path

    @Test("a draft goes through tmp into new with its exact bytes; tmp is left empty")
    func deliver() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let maildir = Maildir(root: root)
        let bytes = Array("Subject: hi\r\n\r\nbody\r\n".utf8)
        let name = Maildir.uniqueName(date: Date(), sequence: 7)
        let path = try maildir.deliver(bytes, name: name)
        #expect(path == root + "/new/" + name)
        #expect(try Array(Data(contentsOf: URL(fileURLWithPath: path))) == bytes)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/tmp").isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/cur").isEmpty)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    @Test("delivering the same name again keeps one file; a file a client moved to cur is still found")
    func idempotentAndFound() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let maildir = Maildir(root: root)
        let name = Maildir.uniqueName(date: Date(), sequence: 1)
        try maildir.deliver(Array("one\r\n".utf8), name: name)
        try maildir.deliver(Array("two\r\n".utf8), name: name)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/new") == [name])
        let seen = root + "/cur/" + name + ":2,S"
        try FileManager.default.moveItem(atPath: root + "/new/" + name, toPath: seen)
        #expect(maildir.find(name) == seen)
        try maildir.deliver(Array("three\r\n".utf8), name: name)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/new").isEmpty)
        #expect(try String(contentsOfFile: seen, encoding: .utf8) == "one\r\n")
    }

    @Test("names follow the convention: seconds, M microseconds, P pid, Q sequence, host without / or :")
    func names() {
        let date = Date(timeIntervalSince1970: 1_759_226_400.25)
        let name = Maildir.uniqueName(date: date, sequence: 42, host: "mail/host:1")
        #expect(name == "1759226400.M250000P\(getpid())Q42.mail\\057host\\0721")
        #expect(throws: OutboxError.self) { try Maildir(root: root).deliver([], name: "../x") }
    }
}
