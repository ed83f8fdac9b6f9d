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
