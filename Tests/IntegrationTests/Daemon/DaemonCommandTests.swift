import Foundation
import OSSLWatch
import OSSLWatchCore
import OSSLWatchStore
import Testing

/// `osslwatch run` as systemd runs it: the real binary as a child process, a datagram socket
/// as NOTIFY_SOCKET, feeds served by the test nginx, signals sent with kill(2).
@Suite("osslwatch run daemon against nginx", .serialized)
struct DaemonCommandTests {
    let services: TestServices

    init() throws {
        services = try TestServices.load()
    }

    /// Waits (in 100 µs naps, up to 5 s) until the child holds `signals`: blocked by the
    /// launcher, or caught by the daemon's handlers. Before that the child is between the
    /// kernel's exec and the launcher's first instruction, where any process has the default
    /// actions; on a loaded machine it may not even have been scheduled there yet.
    private static func waitUntilHeld(_ daemon: DaemonProcess, _ signals: UInt64) -> Bool {
        let deadline = DaemonProcess.monotonicNanoseconds() + 5_000_000_000
        while DaemonProcess.monotonicNanoseconds() < deadline {
            if (daemon.blockedSignals ?? 0) & signals == signals || (daemon.caughtSignals ?? 0) & signals == signals {
                return true
            }
            sleep(until: DaemonProcess.monotonicNanoseconds() + 100_000)
        }
        return false
    }

    /// Sleeps until CLOCK_MONOTONIC reaches `nanoseconds` (an absolute deadline: no drift).
    private static func sleep(until nanoseconds: Int64) {
        var deadline = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, nil) == EINTR {}
    }

    @Test(
        "READY=1 after start, a readable STATUS=, WATCHDOG=1 at about half of WATCHDOG_USEC, STOPPING=1 and exit 0 on SIGTERM"
    )
    func notifySequenceAndWatchdog() async throws {
        let scenario = try DaemonScenario(services)
        defer { scenario.cleanUp() }
        try scenario.writeConfig(feeds: scenario.releasesFeed)
        let daemon = try await scenario.startAndSettle(files: ["releases.atom"])

        let pinged = await Wait.until(timeout: .seconds(10)) { scenario.notifications("WATCHDOG=1") >= 8 }
        #expect(pinged, "\(scenario.notify.texts)")
        let pings = scenario.notify.messages.filter { $0.text == "WATCHDOG=1" }.map(\.at)
        if pings.count >= 8 {
            // WATCHDOG_USEC=400000: a ping every 200 ms; 7 gaps take about 1.4 s.
            let span = pings[7] - pings[0]
            #expect(span >= .milliseconds(900) && span <= .milliseconds(3000), "7 ping intervals took \(span)")
        }
        let status = try #require(
            await Wait.until(timeout: .seconds(5)) {
                scenario.notify.texts.contains { $0.hasPrefix("STATUS=") && $0.contains("feeds ok") }
            } ? scenario.notify.texts.first { $0.contains("feeds ok") } : nil)
        #expect(status == "STATUS=cryptography: linked 3.5.3, upstream 3.5.7 (patch-update); 1 feeds ok")
        #expect(FileManager.default.fileExists(atPath: scenario.pidFile))
        #expect(
            (try? String(contentsOfFile: scenario.pidFile, encoding: .utf8))?.trimmingCharacters(
                in: .whitespacesAndNewlines)
                == "\(daemon.pid)")

        let stopSent = ContinuousClock.now
        await scenario.stop(daemon)
        #expect(ContinuousClock.now - stopSent < .seconds(5), "stop took \(ContinuousClock.now - stopSent)")
        let texts = scenario.notify.texts
        let ready = try #require(texts.firstIndex(of: "READY=1"))
        let stopping = try #require(texts.firstIndex(of: "STOPPING=1"), "\(texts)")
        #expect(ready < stopping)
        #expect(!FileManager.default.fileExists(atPath: scenario.pidFile), "pid file left behind")
        for event in ["starting", "signals received", "stopping", "stopped"] {
            #expect(daemon.logLines(containing: event).count == 1, "\(event): \(daemon.log)")
        }
    }

    @Test("SIGUSR1 polls every feed now: one more request per feed in nginx's access log")
    func usr1Polls() async throws {
        let scenario = try DaemonScenario(services)
        defer { scenario.cleanUp() }
        try scenario.writeConfig(feeds: scenario.releasesFeed + "\n" + scenario.tagsFeed)
        let daemon = try await scenario.startAndSettle(files: ["releases.atom", "tags.atom"])
        #expect(try scenario.requests(for: "releases.atom").count == 1)

        daemon.send(SIGUSR1)
        let polled = try await Wait.until(timeout: .seconds(10)) {
            try scenario.requests(for: "releases.atom").count == 2 && scenario.requests(for: "tags.atom").count == 2
        }
        #expect(polled, "access log: \((try? scenario.base.accessLogLines()) ?? [])")
        #expect(try scenario.requests(for: "tags.atom").last?.contains("\" 304 ") == true)
        #expect(daemon.logLines(containing: "signals received SIGUSR1=1").count == 1, "\(daemon.log)")
        await scenario.stop(daemon)
    }

    @Test("SIGHUP with a valid changed config: RELOADING=1 with MONOTONIC_USEC, READY=1, and the added feed is polled")
    func reloadAppliesValidConfig() async throws {
        let scenario = try DaemonScenario(services)
        defer { scenario.cleanUp() }
        try scenario.writeConfig(feeds: scenario.releasesFeed)
        let daemon = try await scenario.startAndSettle(files: ["releases.atom"])
        #expect(try scenario.requests(for: "tags.atom").isEmpty)

        try scenario.writeConfig(feeds: scenario.releasesFeed + "\n" + scenario.tagsFeed)
        daemon.send(SIGHUP)
        let polled = try await Wait.until(timeout: .seconds(10)) { try scenario.requests(for: "tags.atom").count == 1 }
        #expect(polled, "the added feed was not polled; log: \(daemon.log)")
        #expect(try scenario.requests(for: "releases.atom").count == 1, "the old feed keeps its interval")
        let texts = scenario.notify.texts
        let reloading = try #require(texts.firstIndex { $0.hasPrefix("RELOADING=1\nMONOTONIC_USEC=") }, "\(texts)")
        let usec = UInt64(texts[reloading].split(separator: "=").last ?? "") ?? 0
        #expect(usec > 0)
        #expect(texts[(reloading + 1)...].contains("READY=1"), "\(texts)")
        #expect(daemon.logLines(containing: "configuration reloaded").count == 1, "\(daemon.log)")
        await scenario.stop(daemon)
    }

    @Test("SIGHUP with a shorter interval applies it at once: the feed is polled again without a signal")
    func reloadAppliesInterval() async throws {
        let scenario = try DaemonScenario(services)
        defer { scenario.cleanUp() }
        try scenario.writeConfig(feeds: scenario.releasesFeed)
        let daemon = try await scenario.startAndSettle(files: ["releases.atom"])
        try scenario.writeConfig(
            feeds: scenario.feed("github-releases", kind: "github-releases-atom", file: "releases.atom", interval: "1s")
        )
        daemon.send(SIGHUP)
        let repeated = try await Wait.until(timeout: .seconds(15)) {
            try scenario.requests(for: "releases.atom").count >= 3
        }
        #expect(repeated, "\(daemon.log)")
        #expect(daemon.logLines(containing: "signals received").count == 1, "only the SIGHUP")
        await scenario.stop(daemon)
    }

    @Test("SIGHUP with a broken config keeps the old one, logs the one-line error and still answers SIGUSR1")
    func reloadRejectsBrokenConfig() async throws {
        let scenario = try DaemonScenario(services)
        defer { scenario.cleanUp() }
        try scenario.writeConfig(feeds: scenario.releasesFeed)
        let daemon = try await scenario.startAndSettle(files: ["releases.atom"])

        try "feeds: [\nstate_directory: 5\n".write(toFile: scenario.configPath, atomically: true, encoding: .utf8)
        daemon.send(SIGHUP)
        let rejected = await Wait.until(timeout: .seconds(10)) {
            !daemon.logLines(containing: "configuration rejected").isEmpty
        }
        #expect(rejected, "\(daemon.log)")
        let line = try #require(daemon.logLines(containing: "configuration rejected").first)
        #expect(line.contains(scenario.configPath) && line.contains("YAML"), "\(line)")
        #expect(
            await Wait.until(timeout: .seconds(5)) { scenario.notifications("READY=1") == 2 },
            "\(scenario.notify.texts)")
        #expect(daemon.isRunning)

        daemon.send(SIGUSR1)
        let polled = try await Wait.until(timeout: .seconds(10)) {
            try scenario.requests(for: "releases.atom").count == 2
        }
        #expect(polled, "the old configuration's feed was not polled; log: \(daemon.log)")
        await scenario.stop(daemon)
    }

    @Test("SIGTERM during a poll that never answers: the round is cancelled after stop_timeout and the exit is 0")
    func termBoundsAHungPoll() async throws {
        let scenario = try DaemonScenario(services)
        defer { scenario.cleanUp() }
        let stalled = scenario.stalledFeed(kind: "github-releases-atom", file: "releases.atom")
        try scenario.writeConfig(feeds: stalled, timeout: 60, stopTimeout: 1)
        let daemon = try scenario.start()
        // The event the test needs: the round holding the stalled poll is in flight. READY=1
        // comes before the loop starts any round, so it is not that event.
        let started = await Wait.until(timeout: .seconds(10)) {
            scenario.notifications("READY=1") == 1 && !daemon.logLines(containing: "poll round started").isEmpty
        }
        try #require(started, "\(daemon.log)")
        let stopSent = ContinuousClock.now
        await scenario.stop(daemon, within: .seconds(8))
        let took = ContinuousClock.now - stopSent
        #expect(took >= .milliseconds(900) && took < .seconds(4), "stop took \(took); log: \(daemon.log)")
        #expect(daemon.logLines(containing: "round_running=true").count == 1, "\(daemon.log)")
        #expect(daemon.logLines(containing: "poll round cancelled").count == 1, "\(daemon.log)")
        #expect(scenario.notifications("STOPPING=1") == 1)
    }

    @Test("a poll round that makes no progress stops the watchdog pings while the loop still turns")
    func stuckRoundStopsWatchdog() async throws {
        let scenario = try DaemonScenario(services)
        defer { scenario.cleanUp() }
        // The round waits on a server that never answers, for up to http.timeout (60 s): far
        // longer than WATCHDOG_USEC (1 s), so it is the stuck work the watchdog must see.
        let stalled = scenario.stalledFeed(kind: "github-releases-atom", file: "releases.atom")
        try scenario.writeConfig(feeds: stalled, timeout: 60, stopTimeout: 1)
        let daemon = try scenario.start(watchdogMicroseconds: 1_000_000)
        let stopped = await Wait.until(timeout: .seconds(30)) {
            scenario.notify.texts.contains { $0.hasPrefix("STATUS=poll round made no progress") }
        }
        try #require(stopped, "\(scenario.notify.texts); log: \(daemon.log)")
        // The loop still turns: a SIGHUP is answered with RELOADING=1 and READY=1, and yet no
        // WATCHDOG=1 follows the status that said the pings stop.
        daemon.send(SIGHUP)
        let reloaded = await Wait.until(timeout: .seconds(10)) { scenario.notifications("READY=1") == 2 }
        #expect(reloaded, "\(scenario.notify.texts); log: \(daemon.log)")
        let texts = scenario.notify.texts
        let silent = try #require(texts.firstIndex { $0.hasPrefix("STATUS=poll round made no progress") })
        let answered = try #require(texts.lastIndex(of: "READY=1"))
        #expect(silent < answered && !texts[silent...answered].contains("WATCHDOG=1"), "\(texts)")
        #expect(daemon.logLines(containing: "watchdog pings stop").count == 1, "\(daemon.log)")
        await scenario.stop(daemon, within: .seconds(8))
    }

    @Test(
        "SIGUSR1 and SIGTERM sent as soon as the launcher holds them, before the Swift executable is up, are handled: exit 0"
    )
    func earlySignalsAreHandled() async throws {
        let scenario = try DaemonScenario(services)
        defer { scenario.cleanUp() }
        try scenario.writeConfig(feeds: scenario.releasesFeed)
        let daemonSignals: UInt64 = [SIGUSR1, SIGHUP, SIGTERM, SIGINT].reduce(0) { $0 | 1 << UInt64($1 - 1) }
        let attempts = 20
        var sendDelays: [Double] = []
        var spawnDurations: [Double] = []
        var handlerWindows: [Double] = []
        var blockedAtCheck = 0
        for attempt in 0..<attempts {
            let daemon = try scenario.start(watchdogMicroseconds: nil, logName: "early-\(attempt).log")
            // posix_spawn returns once the exec happened; from then until the launcher's
            // sigprocmask a signal still has its default action. Sleeping (not spinning) leaves
            // the CPU to the child, as a real sender would.
            Self.sleep(until: daemon.spawnReturnedAt + 1_000_000)
            let blocked = (daemon.blockedSignals ?? 0) & daemonSignals == daemonSignals
            // Whether the mask was already in place 1 ms after spawn is a figure, not the test:
            // on a loaded machine the child may not have run its first instruction yet, and no
            // process can hold a signal before that. What must hold is that from the launcher's
            // first instruction on (mask seen), signals are never fatal, however early.
            if blocked { blockedAtCheck += 1 }
            #expect(Self.waitUntilHeld(daemon, daemonSignals), "attempt \(attempt): the launcher never blocked")
            let checkedAt = DaemonProcess.monotonicNanoseconds()
            daemon.send(SIGUSR1)
            daemon.send(SIGTERM)
            sendDelays.append(Double(checkedAt - daemon.spawnReturnedAt) / 1e6)
            spawnDurations.append(Double(daemon.spawnReturnedAt - daemon.spawnedAt) / 1e6)
            #expect(await daemon.waitForExit(timeout: .seconds(10)))
            #expect(daemon.exitedCleanly, "attempt \(attempt): \(daemon.exitDescription); log: \(daemon.log)")
            #expect(daemon.logLines(containing: "stop=SIGTERM").count == 1, "\(daemon.log)")
            #expect(daemon.logLines(containing: "signals_blocked_early=true").count == 1, "\(daemon.log)")
            if let installed = daemon.log.firstMatch(of: /signals_installed_at=(\d+)ns/).flatMap({ Int64($0.1) }) {
                handlerWindows.append(Double(installed - daemon.spawnedAt) / 1e6)
            }
        }
        // Printed for the record: how long posix_spawn took, when after its return the mask was
        // read and the signals sent, and, for comparison, from before the
        // spawn to the Swift executable's handlers (the window without the launcher).
        let format = { (values: [Double]) in values.map { String(format: "%.2f", $0) }.joined(separator: ", ") }
        print("posix_spawn (ms): \(format(spawnDurations))")
        print("spawn return to signals sent, once held (ms): \(format(sendDelays))")
        print("spawn to signal handlers in osslwatch-daemon (ms): \(format(handlerWindows))")
        print("mask already blocked 1 ms after spawn: \(blockedAtCheck) of \(attempts)")
        #expect(handlerWindows.count == attempts)
        // The windows are figures, printed above; an upper bound would be a timed assertion that
        // a loaded machine breaks (seen at load 11). What the test proves is the clean exits.
        #expect(handlerWindows.allSatisfy { $0 > 0 }, "\(handlerWindows)")
    }

    @Test("a SIGUSR1 sent as soon as the launcher holds it is counted once, not fatal")
    func earlyUsr1Polls() async throws {
        let scenario = try DaemonScenario(services)
        defer { scenario.cleanUp() }
        try scenario.writeConfig(feeds: scenario.releasesFeed)
        let daemon = try scenario.start(watchdogMicroseconds: nil)
        #expect(Self.waitUntilHeld(daemon, 1 << UInt64(SIGUSR1 - 1)), "the launcher never blocked SIGUSR1")
        daemon.send(SIGUSR1)
        let rounds = await Wait.until(timeout: .seconds(15)) {
            daemon.logLines(containing: "poll round finished").count >= 1
        }
        #expect(rounds, "\(daemon.log)")
        #expect(daemon.logLines(containing: "SIGUSR1=1").count == 1, "\(daemon.log)")
        await scenario.stop(daemon)
    }

    @Test("a SIGUSR1 during a poll round is not lost: exactly one more round follows it")
    func usr1DuringRoundIsKept() async throws {
        let scenario = try DaemonScenario(services)
        defer { scenario.cleanUp() }
        let stalled = scenario.stalledFeed(kind: "github-tags-atom", file: "tags.atom")
        try scenario.writeConfig(feeds: scenario.releasesFeed + "\n" + stalled, timeout: 2)
        let daemon = try scenario.start()
        // The first round is held up by the stalled feed for http.timeout (2 s).
        let polled = try await Wait.until(timeout: .seconds(10)) {
            try scenario.requests(for: "releases.atom").count == 1
        }
        try #require(polled, "\(daemon.log)")
        #expect(daemon.logLines(containing: "poll round finished").isEmpty, "the first round ended too early")
        daemon.send(SIGUSR1)
        let second = try await Wait.until(timeout: .seconds(15)) {
            try scenario.requests(for: "releases.atom").count == 2
        }
        #expect(second, "\(daemon.log)")
        let rounds = await Wait.until(timeout: .seconds(15)) {
            daemon.logLines(containing: "poll round finished").count == 2
        }
        #expect(rounds, "\(daemon.log)")
        let finished = daemon.logLines(containing: "poll round finished")
        #expect(finished.first?.contains("forced=false") == true && finished.last?.contains("forced=true") == true)
        await scenario.stop(daemon)
        #expect(try scenario.requests(for: "releases.atom").count == 2, "one signal, one more round")
    }

    @Test("a burst of 50 SIGUSR1 coalesces into a few polls")
    func burstCoalesces() async throws {
        let scenario = try DaemonScenario(services)
        defer { scenario.cleanUp() }
        try scenario.writeConfig(feeds: scenario.releasesFeed)
        let daemon = try await scenario.startAndSettle(files: ["releases.atom"])
        let before = try scenario.requests(for: "releases.atom").count

        for _ in 0..<50 { daemon.send(SIGUSR1) }
        let polled = try await Wait.until(timeout: .seconds(10)) {
            try scenario.requests(for: "releases.atom").count > before
        }
        #expect(polled)
        // Settled: no new request for a second (the loop polls again at most once per batch).
        var seen = try scenario.requests(for: "releases.atom").count
        var quietSince = ContinuousClock.now
        _ = try await Wait.until(timeout: .seconds(20)) {
            let now = try scenario.requests(for: "releases.atom").count
            if now != seen {
                seen = now
                quietSince = .now
            }
            return ContinuousClock.now - quietSince > .seconds(1)
        }
        let polls = seen - before
        #expect(polls >= 1 && polls <= 10, "\(polls) polls for 50 signals")
        await scenario.stop(daemon)
    }

    @Test("a SIGKILLed daemon leaves a stale pid file that the next start replaces")
    func stalePidFileReplaced() async throws {
        let scenario = try DaemonScenario(services)
        defer { scenario.cleanUp() }
        try scenario.writeConfig(feeds: scenario.releasesFeed)
        let first = try await scenario.startAndSettle(files: ["releases.atom"], logName: "first.log")
        first.send(SIGKILL)
        #expect(await first.waitForExit(timeout: .seconds(5)))
        let stale = try String(contentsOfFile: scenario.pidFile, encoding: .utf8)
        #expect(stale.trimmingCharacters(in: .whitespacesAndNewlines) == "\(first.pid)")

        let second = try scenario.start(logName: "second.log")
        let replaced = await Wait.until(timeout: .seconds(10)) {
            (try? String(contentsOfFile: scenario.pidFile, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) == "\(second.pid)"
        }
        #expect(replaced, "\(second.log)")
        await scenario.stop(second)
        #expect(!FileManager.default.fileExists(atPath: scenario.pidFile))
    }
}

/// What the daemon does without being signalled, and what it answers through the store.
@Suite("osslwatch run daemon: schedule, requests, metrics", .serialized)
struct DaemonScheduleTests {
    let services: TestServices

    init() throws {
        services = try TestServices.load()
    }

    @Test("each feed is polled again on its own interval, without any signal; the metrics file is written")
    func pollsOnInterval() async throws {
        let scenario = try DaemonScenario(services)
        defer { scenario.cleanUp() }
        let metrics = scenario.base.work.appendingPathComponent("osslwatch.prom").path
        try scenario.writeConfig(
            feeds: scenario.feed("github-releases", kind: "github-releases-atom", file: "releases.atom", interval: "1s")
                + "\n" + scenario.tagsFeed,
            metricsFile: metrics)
        let daemon = try scenario.start()
        defer { daemon.send(SIGKILL) }
        let repeated = try await Wait.until(timeout: .seconds(15)) {
            try scenario.requests(for: "releases.atom").count >= 3
        }
        #expect(repeated, "\(daemon.log)")
        #expect(try scenario.requests(for: "tags.atom").count == 1, "the hourly feed waits for its interval")
        #expect(daemon.logLines(containing: "signals received").isEmpty)
        let text = try String(contentsOfFile: metrics, encoding: .utf8)
        #expect(text.contains("github-releases"), "\(text)")
        await scenario.stop(daemon)
    }

    @Test(
        "requests left in the store are handled on SIGUSR1: a poll polls and is noted, a run is noted as not yet possible"
    )
    func handlesRequests() async throws {
        let scenario = try DaemonScenario(services)
        defer { scenario.cleanUp() }
        try scenario.writeConfig(feeds: scenario.releasesFeed)
        let daemon = try await scenario.startAndSettle(files: ["releases.atom"])
        defer { daemon.send(SIGKILL) }
        let store = try Store(directory: scenario.base.stateDirectory)
        let poll = try store.addRequest(kind: .poll, project: nil, version: nil, at: Date())
        let run = try store.addRequest(
            kind: .run, project: "cryptography", version: OpenSSLVersion("3.5.7"), at: Date())
        daemon.send(SIGUSR1)
        let handled = await Wait.until(timeout: .seconds(10)) { (try? store.pendingRequests().isEmpty) ?? false }
        #expect(handled, "\(daemon.log)")
        let notes = Dictionary(
            uniqueKeysWithValues: try store.recentRequests(limit: 10).map { ($0.id, $0.note ?? "") })
        #expect(notes[poll.id] == "polled 1 feeds")
        #expect(notes[run.id] == "no run: project cryptography has no steps configured")
        #expect(try scenario.requests(for: "releases.atom").count == 2)
        #expect(daemon.logLines(containing: "request handled").count == 1, "\(daemon.log)")
        await scenario.stop(daemon)
    }

    @Test("other commands keep the default signal actions: SIGINT ends a hanging `osslwatch check`")
    func checkDiesOnInterrupt() async throws {
        let scenario = try DaemonScenario(services)
        defer { scenario.cleanUp() }
        let stalled = scenario.stalledFeed(kind: "github-releases-atom", file: "releases.atom")
        try scenario.writeConfig(feeds: stalled, timeout: 60)
        let check = try DaemonProcess(
            arguments: ["check", "--config", scenario.configPath], environment: [:],
            logPath: scenario.base.work.appendingPathComponent("check.log").path)
        let waiting = await Wait.until(timeout: .seconds(10)) {
            (try? String(contentsOfFile: "/proc/\(check.pid)/status", encoding: .utf8))?.contains("Threads:\t1\n")
                == false
        }
        #expect(waiting)
        check.send(SIGINT)
        #expect(await check.waitForExit(timeout: .seconds(5)), "check did not end on SIGINT")
        #expect(check.exitDescription == "killed by signal \(SIGINT)", "\(check.exitDescription)")
    }
}
