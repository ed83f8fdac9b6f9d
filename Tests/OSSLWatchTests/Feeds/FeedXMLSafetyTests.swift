import Foundation
import Testing

@testable import OSSLWatch

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Checks what FoundationXML's `XMLParser` (libxml2) itself does with entities, without the
/// reader's up-front refusal, so the second line of defence is known, not assumed.
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

    @Test("the Atom parsers refuse the same document before libxml2 sees it")
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
            try GitHubReleasesAtomParser().parse(Data(document.utf8), contentType: nil, feed: "r")
        }
        #expect(error?.message.contains(marker.secret) == false)
    }

    @Test("an entity declared without a DOCTYPE keyword is still refused")
    func bareEntityDeclaration() {
        let document = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><!ENTITY x \"y\"></feed>"
        FeedFixtures.expectError(.forbiddenConstruct) { () throws(FeedError) in
            try GitHubTagsAtomParser().parse(Data(document.utf8), contentType: nil, feed: "t")
        }
    }
}
