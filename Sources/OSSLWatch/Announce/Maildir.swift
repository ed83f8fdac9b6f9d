public import Foundation
public import OSSLWatchCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The drafts folder, `<state directory>/drafts/{tmp,new,cur}`: every message osslwatch
/// drafts lands here first, so a mail client pointed at the folder shows it.
///
/// Delivery follows the Maildir rule: the file is written and fsynced under `tmp/`, then
/// renamed into `new/` (atomic on one file system), so a reader never sees half a message.
/// A client that reads it moves it to `cur/` and appends `:2,<flags>`; `find` looks there too.
public struct Maildir: Sendable {
    /// The Maildir's root (`<state directory>/drafts`).
    public let root: String

    public init(root: String) {
        self.root = root
    }

    /// The drafts folder of a state directory.
    public init(stateDirectory: String) {
        self.init(root: (stateDirectory as NSString).appendingPathComponent("drafts"))
    }

    /// Creates `tmp`, `new` and `cur` (mode 0700) when missing.
    public func create() throws(OutboxError) {
        for sub in ["tmp", "new", "cur"] {
            let path = (root as NSString).appendingPathComponent(sub)
            do {
                try FileManager.default.createDirectory(
                    atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw OutboxError(.io, "cannot create \(path): \(error.localizedDescription)")
            }
        }
    }

    /// A unique file name by the Maildir convention: `<seconds>.M<microseconds>P<pid>Q<n>.<host>`,
    /// with `/` and `:` in the host name escaped as the convention asks.
    public static func uniqueName(date: Date, sequence: Int64, host: String = Maildir.hostName()) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let micro = Int64((date.timeIntervalSince1970 - Double(seconds)) * 1_000_000)
        let safeHost = host.replacingOccurrences(of: "/", with: "\\057").replacingOccurrences(of: ":", with: "\\072")
        return "\(seconds).M\(micro)P\(getpid())Q\(sequence).\(safeHost)"
    }

    /// This machine's name, for file names.
    public static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "localhost" : name
    }

    /// Delivers `bytes` as `new/<name>` (tmp, fsync, rename, fsync of `new/`); returns the path.
    /// A file of that name already in `new/` or `cur/` is kept as it is: delivering a draft
    /// twice leaves one file.
    @discardableResult
    public func deliver(_ bytes: [UInt8], name: String) throws(OutboxError) -> String {
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix(".") else {
            throw OutboxError(.io, "\(name.debugDescription) is not a Maildir file name")
        }
        if let existing = find(name) { return existing }
        try create()
        let final = (root as NSString).appendingPathComponent("new/\(name)")
        do {
            try AtomicFile.write(
                bytes, to: final, mode: 0o600, through: (root as NSString).appendingPathComponent("tmp/\(name)"))
        } catch {
            throw OutboxError(.io, error.message)
        }
        let directory = open((root as NSString).appendingPathComponent("new"), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
        return final
    }

    /// Where the draft named `name` is now: `new/<name>`, or `cur/<name>:2,<flags>` after a
    /// mail client saw it; nil when it was deleted.
    public func find(_ name: String) -> String? {
        let fileManager = FileManager.default
        let fresh = (root as NSString).appendingPathComponent("new/\(name)")
        if fileManager.fileExists(atPath: fresh) { return fresh }
        let cur = (root as NSString).appendingPathComponent("cur")
        let seen = (try? fileManager.contentsOfDirectory(atPath: cur)) ?? []
        if let match = seen.first(where: { $0 == name || $0.hasPrefix(name + ":") }) {
            return (cur as NSString).appendingPathComponent(match)
        }
        return nil
    }
}
