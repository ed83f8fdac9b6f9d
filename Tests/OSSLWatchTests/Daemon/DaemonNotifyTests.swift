import Foundation
import Testing

@testable import OSSLWatch
@testable import OSSLWatchDaemon

/// sd_notify without libsystemd: what `$NOTIFY_SOCKET` means and what the datagrams say.
@Suite struct DaemonNotifyTests {
    @Test("a path is a file-system socket; its sun_path bytes end with a NUL")
    func pathAddress() throws {
        let address = try #require(NotifyAddress("/run/systemd/notify"))
        #expect(address == .path("/run/systemd/notify"))
        #expect(address.socketPathBytes == Array("/run/systemd/notify".utf8) + [0])
    }

    @Test("@name is the abstract namespace: a leading NUL, no trailing one")
    func abstractAddress() throws {
        let address = try #require(NotifyAddress("@osslwatch/notify"))
        #expect(address == .abstract("osslwatch/notify"))
        #expect(address.socketPathBytes == [0] + Array("osslwatch/notify".utf8))
    }

    @Test(
        "empty, relative, vsock, a bare @ and names longer than sun_path are refused",
        arguments: ["", "notify", "vsock:2:1234", "@", "/" + String(repeating: "a", count: 107)])
    func refusedAddresses(_ value: String) {
        #expect(NotifyAddress(value) == nil)
    }

    @Test("the longest path that fits sun_path with its NUL is accepted")
    func longestPath() {
        #expect(NotifyAddress("/" + String(repeating: "a", count: 106)) != nil)
    }

    @Test("messages are newline-separated assignments; STATUS cannot start a new assignment")
    func messageText() {
        #expect(NotifyMessage.ready.text == "READY=1")
        #expect(NotifyMessage.stopping.text == "STOPPING=1")
        #expect(NotifyMessage.watchdog.text == "WATCHDOG=1")
        #expect(
            NotifyMessage.reloading(monotonicMicroseconds: 12_345_678).text == "RELOADING=1\nMONOTONIC_USEC=12345678")
        #expect(NotifyMessage.status("linked 3.5.3\nREADY=1").text == "STATUS=linked 3.5.3 READY=1")
    }

    @Test("MONOTONIC_USEC reads CLOCK_MONOTONIC in microseconds")
    func monotonicClock() {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let before = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
        let read = NotifyMessage.monotonicMicroseconds()
        #expect(read >= before && read - before < 5_000_000)
    }

    @Test("the watchdog pings at half of WATCHDOG_USEC, only for the process WATCHDOG_PID names")
    func watchdogSettings() throws {
        let own = try #require(WatchdogSettings(environment: ["WATCHDOG_USEC": "400000"], pid: 42))
        #expect(own.pingInterval == .milliseconds(200))
        #expect(WatchdogSettings(environment: ["WATCHDOG_USEC": "400000", "WATCHDOG_PID": "42"], pid: 42) != nil)
        #expect(WatchdogSettings(environment: ["WATCHDOG_USEC": "400000", "WATCHDOG_PID": "41"], pid: 42) == nil)
        #expect(WatchdogSettings(environment: [:], pid: 42) == nil)
        #expect(WatchdogSettings(environment: ["WATCHDOG_USEC": "0"], pid: 42) == nil)
        #expect(WatchdogSettings(environment: ["WATCHDOG_USEC": "soon"], pid: 42) == nil)
    }

    @Test("without NOTIFY_SOCKET the notifier is silent")
    func silentWithoutSocket() {
        let notifier = SystemdNotifier(environment: [:])
        #expect(!notifier.isActive)
        #expect(!notifier.send(.ready))
    }

    @Test("datagrams reach a socket bound at a path and one in the abstract namespace")
    func sendsDatagrams() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("notify").path
        for value in [path, "@osslwatch-test-\(UUID().uuidString)"] {
            let address = try #require(NotifyAddress(value))
            let listener = try DatagramListener(address)
            let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": value])
            #expect(notifier.send(.reloading(monotonicMicroseconds: 7)))
            #expect(try listener.receive() == "RELOADING=1\nMONOTONIC_USEC=7")
        }
    }
}

/// A bound AF_UNIX datagram socket that plays systemd for one test.
final class DatagramListener {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let socket: Int32

    init(_ address: NotifyAddress) throws {
        socket = Glibc.socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        let bound = address.withSocketAddress { [socket] pointer, length in bind(socket, pointer, length) }
        guard bound == 0 else { throw Failure(description: "bind failed: errno \(errno)") }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(socket) }

    func receive() throws -> String {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(socket, &buffer, buffer.count, 0)
        guard count >= 0 else { throw Failure(description: "nothing received: errno \(errno)") }
        return String(decoding: buffer[0..<count], as: UTF8.self)
    }
}
