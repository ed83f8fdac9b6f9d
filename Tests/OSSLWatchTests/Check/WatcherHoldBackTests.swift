import Foundation
import Testing

@testable import OSSLWatch
@testable import OSSLWatchCore

@Suite struct WatcherHoldBackTests {
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    @Test("a healthy feed is always polled, whatever its schedule says")
    func healthyFeedIsPolled() {
        let state = FeedState(name: "f", errorStreak: 0, nextPoll: now + 300)
        #expect(FeedSchedule.holdBack(state, now: now, force: false) == nil)
    }

    @Test("a failing feed waits for its backoff unless forced")
    func backoffHoldsUnlessForced() {
        let state = FeedState(name: "f", errorStreak: 3, nextPoll: now + 600)
        #expect(FeedSchedule.holdBack(state, now: now, force: false) == now + 600)
        #expect(FeedSchedule.holdBack(state, now: now, force: true) == nil)
        #expect(FeedSchedule.holdBack(state, now: now + 601, force: false) == nil)
    }

    @Test("a server's Retry-After or rate-limit reset holds even when forced")
    func serverLimitAlwaysHolds() {
        let failing = FeedState(name: "f", errorStreak: 1, nextPoll: now + 60, notBefore: now + 120)
        #expect(FeedSchedule.holdBack(failing, now: now, force: true) == now + 120)
        let exhausted = FeedState(name: "f", errorStreak: 0, nextPoll: now + 900, notBefore: now + 900)
        #expect(FeedSchedule.holdBack(exhausted, now: now, force: false) == now + 900)
        #expect(FeedSchedule.holdBack(exhausted, now: now + 901, force: false) == nil)
    }

    @Test("a hold stored far in the future (by a build before holds were validated) lasts a day from the last attempt")
    func storedFarFutureIsBounded() {
        let year2343 = Date(timeIntervalSince1970: 11_660_000_000)
        let state = FeedState(name: "f", lastAttempt: now, errorStreak: 1, nextPoll: year2343, notBefore: year2343)
        #expect(FeedSchedule.holdBack(state, now: now, force: true) == now + 86_400)
        #expect(FeedSchedule.holdBack(state, now: now, force: false) == now + 7 * 86_400)
        #expect(FeedSchedule.holdBack(state, now: now + 7 * 86_400 + 1, force: false) == nil)
    }
}
