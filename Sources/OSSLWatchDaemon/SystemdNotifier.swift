import Foundation

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
