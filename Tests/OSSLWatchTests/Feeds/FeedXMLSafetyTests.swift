import Foundation
import Testing

@testable import OSSLWatch
@testable import OSSLWatchCore

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// osslwatch does not use FoundationXML's `XMLParser` (libxml2) for feeds: fuzzing crashed it
/// (see `XMLStreamReader`). These tests record what it does with an external entity, which
/// was the question that led there, and check the Atom parsers on the same inputs.
@Suite struct FeedXMLSafetyTests {
    /// Collects all text the parser reports.
    final class TextCollector: NSObject, XMLParserDelegate {
        var text = ""
        var resolveRequests: [String] = []

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parser(_ parser: XMLParser, resolveExternalEntityName name: String, systemID: String?) -> Data? {
            resolveRequests.append(systemID ?? name)
            return nil
        }
    }

    static func markerFile() throws -> (url: URL, secret: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("osslwatch-xxe-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let secret = "osslwatch-marker-\(UUID().uuidString)"
        let url = directory.appendingPathComponent("marker.txt")
        try Data(secret.utf8).write(to: url)
        return (url, secret)
    }

    @Test("XMLParser with external entities off never includes a SYSTEM entity's file")
    func xmlParserDoesNotIncludeExternalFile() throws {
        let marker = try Self.markerFile()
        defer { try? FileManager.default.removeItem(at: marker.url.deletingLastPathComponent()) }
        let document = """
            <?xml version="1.0"?>
            <!DOCTYPE feed [<!ENTITY secret SYSTEM "\(marker.url.absoluteString)">]>
            <feed xmlns="http://www.w3.org/2005/Atom"><title>before &secret; after</title></feed>
            """
        let parser = XMLParser(data: Data(document.utf8))
        parser.shouldResolveExternalEntities = false
        let collector = TextCollector()
        parser.delegate = collector
        _ = parser.parse()
        #expect(collector.text.contains("before"), "the parser did run over the document")
        #expect(!collector.text.contains(marker.secret))
    }

    @Test("the Atom parsers refuse the same document as a forbidden construct")
    func atomParserRefusesExternalEntity() throws {
        let marker = try Self.markerFile()
        defer { try? FileManager.default.removeItem(at: marker.url.deletingLastPathComponent()) }
        let document = """
            <?xml version="1.0"?>
            <!DOCTYPE feed [<!ENTITY secret SYSTEM "\(marker.url.absoluteString)">]>
            <feed xmlns="http://www.w3.org/2005/Atom"><entry>
            <id>tag:github.com,2008:Repository/7634677/openssl-3.5.4</id><title>&secret;</title></entry></feed>
            """
        let error = FeedFixtures.expectError(.forbiddenConstruct) { () throws(FeedError) in
            try GitHubAtomParser().parse(Data(document.utf8), contentType: nil, feed: "r")
        }
        #expect(error?.message.contains(marker.secret) == false)
    }

    @Test(
        "inputs that crashed XMLParser under fuzzing give a clean error",
        arguments: [
            [0x00, 0x00, 0x00, 0x3C, 0x0A, 0x01, 0x00, 0x00, 0x00, 0x3C, 0x0A] as [UInt8],
            Array("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<\n<\n".utf8),
            Array("<\n<\n".utf8),
            Array("<?xm?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"><id>x</ia></feed>".utf8),
        ])
    func fuzzFindings(bytes: [UInt8]) {
        FeedFixtures.expectError(.malformed) { () throws(FeedError) in
            try GitHubAtomParser().parse(Data(bytes), contentType: nil, feed: "r")
        }
    }

    @Test("after a limit is crossed, later syntax errors do not replace the first error")
    func firstFailureWins() {
        let body = Data(
            ("<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><title>" + String(repeating: "A", count: 70_000)
                + "</title></entry><<</feed").utf8)
        FeedFixtures.expectError(.tooLarge) { () throws(FeedError) in
            try GitHubAtomParser().parse(body, contentType: nil, feed: "r")
        }
    }

    @Test("an entity declared without a DOCTYPE keyword is still refused")
    func bareEntityDeclaration() {
        let document = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><!ENTITY x \"y\"></feed>"
        FeedFixtures.expectError(.forbiddenConstruct) { () throws(FeedError) in
            try GitHubAtomParser().parse(Data(document.utf8), contentType: nil, feed: "t")
        }
    }
}
