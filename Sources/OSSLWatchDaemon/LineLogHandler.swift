import Foundation
public import Logging

#if canImport(Glibc)
    // Imported by name for MemberImportVisibility: see SystemdNotifier.swift.
    import CDispatch
    import CoreFoundation
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// One line per event on standard error: the message first, then the facts as `key=value`.
///
/// Under systemd (`$JOURNAL_STREAM` names the device and inode of our standard error) each
/// line starts with the syslog priority `<N>` and no timestamp, because journald adds its
/// own and maps the prefix to the entry's priority. Elsewhere lines carry an ISO 8601 time.
public struct LineLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let journald: Bool
    private let write: @Sendable (String) -> Void

    public init(
        level: Logger.Level, journald: Bool, write: @escaping @Sendable (String) -> Void = LineLogHandler.stderr
    ) {
        self.logLevel = level
        self.journald = journald
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var facts = metadata
        if let extra = event.metadata { facts.merge(extra) { _, new in new } }
        var line = journald ? "<\(Self.priority(event.level))>" : Self.timestamp() + " " + event.level.rawValue + " "
        line += Self.sanitize(event.message.description)
        for key in facts.keys.sorted() {
            let value = Self.sanitize("\(facts[key].map { "\($0)" } ?? "")")
            guard !value.isEmpty else { continue }
            line += " \(key)=" + (value.contains(" ") || value.contains("\"") ? value.debugDescription : value)
        }
        write(line + "\n")
    }

    /// Whether standard error is the journal stream systemd told us about.
    public static func isJournalStream(environment: [String: String]) -> Bool {
        guard let value = environment["JOURNAL_STREAM"] else { return false }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var status = stat()
        guard fstat(STDERR_FILENO, &status) == 0 else { return false }
        return UInt64(status.st_dev) == device && UInt64(status.st_ino) == inode
    }

    /// syslog(3) priorities: journald shows and filters by them (`journalctl -p`).
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// Keeps one event on one line whatever a message or a feed-supplied value contains.
    static func sanitize(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { scalar in
                    scalar.properties.generalCategory == .control ? "?" : scalar
                }))
    }

    static func timestamp() -> String {
        Date().formatted(
            .iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    public static let stderr: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data(line.utf8))
    }
}
