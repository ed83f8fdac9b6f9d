import Foundation

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
}
