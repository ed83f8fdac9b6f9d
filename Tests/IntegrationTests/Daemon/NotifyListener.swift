import Foundation
import Synchronization

/// Plays systemd's side of `sd_notify`: a bound AF_UNIX datagram socket whose path the daemon
/// gets as `NOTIFY_SOCKET`, read on a background thread, every datagram kept with its arrival time.
final class NotifyListener: Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// One datagram and when it arrived.
    struct Message: Sendable {
        let text: String
        let at: ContinuousClock.Instant
    }

    let path: String
    private let socket: Int32
    private let received = Mutex<[Message]>([])
    private let closed = Atomic<Bool>(false)
    private let nextAction = Mutex<(@Sendable (Message) -> Void)?>(nil)

    init(path: String) throws {
        self.path = path
        socket = Glibc.socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8) + [0]
        guard bytes.count <= MemoryLayout.size(ofValue: address.sun_path) else {
            throw Failure(description: "socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) }
        }
        guard bound == 0 else { throw Failure(description: "cannot bind \(path): errno \(errno)") }
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        Thread.detachNewThread { [self] in readLoop() }
    }

    deinit {
        close(socket)
    }

    func stop() {
        closed.store(true, ordering: .relaxed)
    }

    private func readLoop() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !closed.load(ordering: .relaxed) {
            let count = recv(socket, &buffer, buffer.count, 0)
            guard count > 0 else { continue }
            let message = Message(text: String(decoding: buffer[0..<count], as: UTF8.self), at: .now)
            received.withLock { $0.append(message) }
            nextAction.withLock { action in
                action?(message)
                action = nil
            }
        }
    }

    /// Runs `action` on the reading thread the moment the next datagram arrives, so a test can
    /// answer a message (send a signal) before the sender has moved on much further.
    func onNextMessage(_ action: @escaping @Sendable (Message) -> Void) {
        nextAction.withLock { $0 = action }
    }

    /// Every datagram so far, in order.
    var messages: [Message] { received.withLock { $0 } }

    /// The texts of every datagram so far.
    var texts: [String] { messages.map(\.text) }
}
