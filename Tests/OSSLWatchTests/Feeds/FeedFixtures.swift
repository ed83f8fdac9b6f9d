import Foundation
import Testing

@testable import OSSLWatch
@testable import OSSLWatchCore

/// Loads the real-format fixtures and checks parser failures the same way in every suite.
enum FeedFixtures {
    static func url(_ relativePath: String) throws -> URL {
        let root = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return root.appendingPathComponent(relativePath)
    }

    static func data(_ relativePath: String) throws -> Data {
        try Data(contentsOf: url(relativePath))
    }

    /// Every version of the fixture history, newest first, as `make-fixtures.py` writes it.
    static let historyNewestFirst: [String] = [
        "3.0.21", "3.4.6", "3.5.7", "3.6.3", "4.0.1",
        "4.0.0",
        "3.0.20", "3.4.5", "3.5.6", "3.6.2",
        "4.0.0-beta1", "4.0.0-alpha1",
        "3.0.19", "3.3.6", "3.4.4", "3.5.5", "3.6.1",
        "3.6.0",
        "3.0.18", "3.2.6", "3.3.5", "3.4.3", "3.5.4",
        "3.6.0-beta1", "3.5.3", "3.6.0-alpha1", "3.5.2",
        "3.0.17", "3.2.5", "3.3.4", "3.4.2", "3.5.1",
        "3.5.0", "3.5.0-beta1", "3.5.0-alpha1",
        "3.0.16", "3.1.8", "3.2.4", "3.3.3", "3.4.1",
    ]

    static let prereleases: Set<String> = [
        "3.5.0-alpha1", "3.5.0-beta1", "3.6.0-alpha1", "3.6.0-beta1", "4.0.0-alpha1", "4.0.0-beta1",
    ]

    /// Runs `parse` and returns the `FeedError` it must throw; records an issue when it returns.
    @discardableResult
    static func expectError(
        _ code: FeedError.Code, sourceLocation: SourceLocation = #_sourceLocation,
        _ parse: () throws(FeedError) -> FeedContent
    ) -> FeedError? {
        do {
            let content = try parse()
            Issue.record(
                "expected FeedError.\(code), got \(content.observations.count) observations",
                sourceLocation: sourceLocation)
            return nil
        } catch {
            #expect(error.code == code, "\(error.message)", sourceLocation: sourceLocation)
            #expect(!error.message.isEmpty && !error.message.contains("\n"), sourceLocation: sourceLocation)
            return error
        }
    }

    static func utcDate(_ text: String) -> Date? {
        ISO8601DateFormatter().date(from: text)
    }
}
