import Foundation
import OSSLWatchCore
import Testing

/// The rules for an expanded URL's stored state (validators, "not published yet"): no database.
@Suite struct FeedURLStateTests {
    static let then = Date(timeIntervalSince1970: 1_759_190_400)

    static func state(_ status: Int?, etag: String? = nil, success: Date? = nil, at: Date = then) -> FeedURLState {
        FeedURLState(
            feed: "secadv", key: "20250930", url: "https://example.org/secadv/20250930.txt", etag: etag,
            lastModified: etag.map { "modified \($0)" }, lastStatus: status, lastAttempt: at, lastSuccess: success)
    }

    @Test("only a 200 brings validators; a URL once published stays published", arguments: [200, 304, 404, 410])
    func recordedOverKnown(status: Int) {
        let known = Self.state(200, etag: "old", success: Self.then)
        let later = Self.then + 60
        let fetch = Self.state(status, etag: status == 200 ? "new" : nil, at: later)
        let recorded = fetch.recorded(over: known)
        #expect(recorded.etag == (status == 200 ? "new" : "old"))
        #expect(recorded.lastModified == (status == 200 ? "modified new" : "modified old"))
        #expect(recorded.lastSuccess == Self.then && recorded.lastStatus == status && recorded.lastAttempt == later)
        #expect(fetch.recorded(over: nil) == fetch)
    }

    @Test("404 and 410 mean not published yet; such a URL is forgotten once its answer is old")
    func forgotten() {
        #expect(FeedURLState.notPublished(404) && FeedURLState.notPublished(410))
        #expect(!FeedURLState.notPublished(200) && !FeedURLState.notPublished(500) && !FeedURLState.notPublished(nil))
        let cutoff = Self.then + 1
        #expect(Self.state(404).isForgotten(notFoundBefore: cutoff))
        #expect(Self.state(410).isForgotten(notFoundBefore: cutoff))
        #expect(!Self.state(404).isForgotten(notFoundBefore: Self.then))
        #expect(!Self.state(404, success: Self.then).isForgotten(notFoundBefore: cutoff))
        #expect(!Self.state(500).isForgotten(notFoundBefore: cutoff))
    }
}
