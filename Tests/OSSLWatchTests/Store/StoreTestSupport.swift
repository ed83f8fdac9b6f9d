import Foundation
import OSSLWatch
import OSSLWatchCore

/// A fresh state directory per test, removed by the caller.
struct TemporaryStateDirectory {
    let path: String

    init() {
        path =
            FileManager.default.temporaryDirectory.appendingPathComponent("osslwatch-store-\(UUID().uuidString)")
            .path
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

enum StoreSamples {
    static let start = Date(timeIntervalSince1970: 1_759_226_400)  // 2025-09-30 10:00 UTC

    static func version(_ text: String) -> OpenSSLVersion {
        guard let version = OpenSSLVersion(text) else { fatalError("bad sample version \(text)") }
        return version
    }

    static func observation(
        _ feed: String, _ version: String, draft: Bool = false, assets: [Observation.Asset] = []
    ) -> Observation {
        let parsed = self.version(version)
        return Observation(
            feed: feed, version: parsed, tag: parsed.tag, time: start, link: "https://example.org/\(version)",
            isDraft: draft, assets: assets)
    }
}
