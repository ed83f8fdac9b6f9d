import Foundation

#if canImport(Glibc)
    // libc's structs (stat, timespec, flock, sockaddr_un) reach Swift through whichever of these
    // C module copies the compiler met first, which differs between debug and whole-module
    // builds; MemberImportVisibility wants the one it picked imported by name.
    import CDispatch
    import CoreFoundation
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Sends `sd_notify` datagrams to systemd without libsystemd: an `AF_UNIX`/`SOCK_DGRAM`
/// socket and one `sendto` per message to the address in `$NOTIFY_SOCKET`.
///
/// Silent when the variable is unset (not under systemd, or `Type=simple`). A failed send is
/// not an error for the service: systemd notices what matters (a missing READY or watchdog) itself.
public final class SystemdNotifier: Sendable {
    /// Where messages go; nil when there is nothing to notify.
    public let address: NotifyAddress?
    private let socket: Int32

    /// Reads `$NOTIFY_SOCKET` from `environment` and opens the socket if it names an address.
    public init(environment: [String: String]) {
        let address = environment["NOTIFY_SOCKET"].flatMap(NotifyAddress.init)
        self.address = address
        socket =
            address == nil ? -1 : Glibc.socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    }

    deinit {
        if socket >= 0 { close(socket) }
    }

    /// Whether messages go anywhere.
    public var isActive: Bool { address != nil && socket >= 0 }

    /// Sends one message; returns whether the datagram left (false when inactive or on error).
    @discardableResult
    public func send(_ message: NotifyMessage) -> Bool {
        guard let address, socket >= 0 else { return false }
        let payload = Array(message.text.utf8)
        let sent = address.withSocketAddress { pointer, length in
            sendto(socket, payload, payload.count, Int32(MSG_NOSIGNAL), pointer, length)
        }
        return sent == payload.count
    }
}

/// One `sd_notify` datagram: newline-separated `KEY=VALUE` assignments.
public struct NotifyMessage: Sendable, Hashable {
    /// The datagram's text, exactly as sent.
    public let text: String

    init(_ assignments: [(String, String)]) {
        text = assignments.map { "\($0.0)=\($0.1)" }.joined(separator: "\n")
    }

    /// The service finished starting (or reloading).
    public static let ready = NotifyMessage([("READY", "1")])
    /// The service begins to stop.
    public static let stopping = NotifyMessage([("STOPPING", "1")])
    /// The watchdog keep-alive.
    public static let watchdog = NotifyMessage([("WATCHDOG", "1")])

    /// The service begins to reload; systemd 253 and later match the reload to the request by
    /// the CLOCK_MONOTONIC time, older ones ignore it.
    public static func reloading(monotonicMicroseconds: UInt64) -> NotifyMessage {
        NotifyMessage([("RELOADING", "1"), ("MONOTONIC_USEC", "\(monotonicMicroseconds)")])
    }

    /// A line for `systemctl status`; line breaks would start new assignments, so they become spaces.
    public static func status(_ line: String) -> NotifyMessage {
        let flat = String(line.map { $0.isNewline ? " " : $0 })
        return NotifyMessage([("STATUS", flat)])
    }

    /// The current CLOCK_MONOTONIC time in microseconds, the clock `MONOTONIC_USEC` is read against.
    public static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
    }
}

/// Where `$NOTIFY_SOCKET` says systemd listens: a file-system path or, for `@name`, a name
/// in Linux's abstract socket namespace (whose address starts with a NUL byte).
public enum NotifyAddress: Sendable, Hashable {
    case path(String)
    case abstract(String)

    /// Longest `sun_path`: 108 bytes on Linux, including the terminating NUL of a path.
    static let maxPathBytes = 108

    /// Parses `$NOTIFY_SOCKET`; nil for an empty value, a relative path, a name too long for
    /// `sockaddr_un`, or a kind this daemon does not speak (such as `vsock:`).
    public init?(_ value: String) {
        if value.hasPrefix("@") {
            let name = String(value.dropFirst())
            guard !name.isEmpty, name.utf8.count + 1 <= Self.maxPathBytes else { return nil }
            self = .abstract(name)
        } else if value.hasPrefix("/") {
            guard value.utf8.count + 1 <= Self.maxPathBytes else { return nil }
            self = .path(value)
        } else {
            return nil
        }
    }

    /// The bytes of `sun_path` and how many of them count: a path ends with its NUL; an abstract
    /// name starts with a NUL and has none at the end (the length says where it ends).
    var socketPathBytes: [UInt8] {
        switch self {
        case .path(let path): Array(path.utf8) + [0]
        case .abstract(let name): [0] + Array(name.utf8)
        }
    }

    /// Calls `body` with this address as a `sockaddr_un` seen as a `sockaddr`, and its length:
    /// what `sendto` (the notifier) and `bind` (a test's listener) take.
    func withSocketAddress<T>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        var storage = sockaddr_un()
        storage.sun_family = sa_family_t(AF_UNIX)
        let bytes = socketPathBytes
        withUnsafeMutableBytes(of: &storage.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count)
        return withUnsafePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
        }
    }
}
