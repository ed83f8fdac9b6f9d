import Foundation
import Testing

@testable import OSSLWatch
@testable import OSSLWatchCore

/// Namespace declarations cost the reader work in proportion to the document, never to the
/// declarations in scope times the elements: a hostile feed of many declarations must not
/// make `check` spin. The work is counted in namespace steps (a binding pushed, popped or
/// looked up in `XMLNamespaceScope`, the one place bindings live), not timed.
@Suite struct FeedXMLNamespaceWorkTests {
    let reader = XMLStreamReader(feed: "x", limits: .standard)

    /// `<feed xmlns="Atom" xmlns:r0=... (rootDeclarations)>` then `elements` empty children,
    /// each declaring one more prefix, then `</feed>`; with `levels` above 1, the root holds
    /// `levels - 1` nested `<n>` elements with `rootDeclarations` each, and the children sit
    /// in the innermost one. With `maxBytes`, as many children as fit in that many bytes.
    static func document(rootDeclarations: Int, elements: Int, levels: Int = 1, maxBytes: Int? = nil) -> [UInt8] {
        var xml = ""
        for level in 0..<levels {
            xml += level == 0 ? "<feed xmlns=\"http://www.w3.org/2005/Atom\"" : "<n"
            for index in 0..<rootDeclarations { xml += " xmlns:r\(level)x\(index)=\"urn:r:\(index)\"" }
            xml += ">"
        }
        var bytes = Array(xml.utf8)
        let end = Array(String(repeating: "</n>", count: levels - 1).utf8) + Array("</feed>".utf8)
        for index in 0..<(maxBytes == nil ? elements : Int.max) {
            let child = Array("<x xmlns:e\(index)=\"urn:e:\(index)\"/>".utf8)
            if let maxBytes, bytes.count + child.count + end.count > maxBytes { break }
            bytes += child
        }
        return bytes + end
    }

    /// Reads `bytes` and returns the namespace steps taken and the error, if any.
    func work(_ bytes: [UInt8]) -> (steps: Int, error: FeedError?) {
        var steps = 0
        do {
            try reader.read(bytes, namespaceSteps: &steps) { (_) throws(FeedError) in }
            return (steps, nil)
        } catch {
            return (steps, error)
        }
    }

    @Test("many declarations in scope and one more on each of many elements take work linear in the document")
    func declarationsInScopeAndOnElements() {
        // 31 nested elements (the depth bound leaves one level for the children) with 64
        // declarations on the root and 63 on the others (1954 in scope), then 2142 children with
        // one more each: 4096 declarations, the per-element and per-document bounds just reached.
        let bytes = Self.document(rootDeclarations: 63, elements: 2142, levels: 31)
        let (steps, error) = work(bytes)
        #expect(error == nil)
        // Copying the 1954 bindings in scope for each child would take about 4 million steps.
        #expect(steps <= bytes.count, "\(steps) namespace steps for \(bytes.count) bytes")
    }
    @Test("the worst case within the 8 MiB body cap, one declaration per element, is refused early with linear work")
    func worstCaseWithinBodyCap() throws {
        let cap = 8 << 20
        let bytes = Self.document(rootDeclarations: 1, elements: 0, maxBytes: cap)
        try #require(bytes.count <= cap && bytes.count > cap - 100)
        let (steps, error) = work(bytes)
        #expect(error?.code == .tooLarge)
        #expect(
            error?.message.contains("declares more than \(FeedLimits.standard.maxNamespaceDeclarations) namespaces")
                == true)
        #expect(steps <= 4 * FeedLimits.standard.maxNamespaceDeclarations, "\(steps) namespace steps")
    }

    @Test("declarations are bounded per element and per document, each bound exactly allowed")
    func bounds() {
        let limits = FeedLimits.standard
        let perElement = limits.maxNamespaceDeclarationsPerElement
        #expect(work(Self.document(rootDeclarations: perElement - 1, elements: 0)).error == nil)
        let tooMany = work(Self.document(rootDeclarations: perElement, elements: 0)).error
        #expect(tooMany?.code == .tooLarge)
        #expect(tooMany?.message.contains("an element declares more than \(perElement) namespaces") == true)
        // The root's Atom default namespace counts as one of the document's declarations.
        let total = limits.maxNamespaceDeclarations
        #expect(work(Self.document(rootDeclarations: 0, elements: total - 1)).error == nil)
        #expect(work(Self.document(rootDeclarations: 0, elements: total)).error?.code == .tooLarge)
    }

    @Test("bindings still nest: an inner declaration shadows the outer one only until its element ends")
    func shadowing() throws {
        let xml = "<r xmlns='urn:1' xmlns:p='urn:p1'><p:a xmlns:p='urn:p2'><p:b/><c xmlns=''/></p:a><p:d/><e/></r>"
        var seen: [String] = []
        try reader.read(Array(xml.utf8)) { (event) throws(FeedError) in
            if case .start(let element) = event { seen.append("\(element.localName)=\(element.namespace ?? "-")") }
        }
        #expect(seen == ["r=urn:1", "a=urn:p2", "b=urn:p2", "c=-", "d=urn:p1", "e=urn:1"])
        let outOfScope = "<r><a xmlns:p='urn:p'/><p:b/></r>"
        #expect(throws: FeedError.self) { try reader.read(Array(outOfScope.utf8)) { (_) throws(FeedError) in } }
    }

    @Test("the Atom reader refuses the feed of the issue (30,000 declarations on the root, 60,000 more below)")
    func atomReaderRefusesHostileFeed() {
        let bytes = Self.document(rootDeclarations: 30_000, elements: 60_000)
        let reader = XMLFeedReader(feed: "x", limits: .standard)
        do {
            _ = try reader.entries(in: String(decoding: bytes, as: UTF8.self))
            Issue.record("the feed was read")
        } catch {
            #expect(error.code == .tooLarge)
        }
    }
}
