import Foundation
import Testing

@testable import OSSLWatch
@testable import OSSLWatchCore

@Suite struct FeedXMLStreamReaderTests {
    let reader = XMLStreamReader(feed: "x", limits: .standard)

    /// The events as a compact string: `<name ns=... a=v>`, `</>`, `"text"`.
    func trace(_ xml: String) throws(FeedError) -> String {
        var out = ""
        try reader.read(Array(xml.utf8)) { (event) throws(FeedError) in
            switch event {
            case .start(let element):
                let attributes = element.attributes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                out += "<\(element.localName) ns=\(element.namespace ?? "-")\(attributes.map { " " + $0 }.joined())>"
            case .end: out += "</>"
            case .text(let text): out += "\"\(text)\""
            }
        }
        return out
    }

    func code(_ xml: String) -> FeedError.Code? {
        do {
            _ = try trace(xml)
            return nil
        } catch {
            return error.code
        }
    }

    @Test("namespaces, attributes, references, CDATA, comments and PIs are read as XML says")
    func wellFormed() throws {
        let xml = """
            <?xml version="1.0"?><!-- c --><f xmlns="urn:a" xmlns:m="urn:m" xml:lang="en">\
            <m:t h='1 &amp; 2'/>a&lt;b&#65;&#x42;<![CDATA[<c>]]><?pi data?></f>
            """
        let events = try trace(xml)
        #expect(
            events
                == "<f ns=urn:a xml:lang=en xmlns=urn:a xmlns:m=urn:m><t ns=urn:m h=1 & 2></>\"a<bAB<c>\"</>")
    }

    @Test("the XML declaration and processing instructions with empty data are accepted")
    func emptyPI() throws {
        let events = try trace("<?xml version='1.0'?><?x?><r/>")
        #expect(events == "<r ns=-></>")
    }

    @Test(
        "well-formedness errors are malformed",
        arguments: [
            "<a><b></a></b>", "<a>", "<a></b>", "</a>", "<a b=c/>", "<a b=\"1\" b=\"2\"/>", "<a b=\"1\"c=\"2\"/>",
            "<p:a/>", "text<a/>", "<a/><b/>", "<a/>tail", "<![CDATA[x]]><a/>", "<a>&#0;</a>", "<a>&#xD800;</a>",
            "<a>&amp</a>", "<a b=\"<\"/>", "<a><?xml version=\"1.0\"?></a>", "<a><!-- x</a>", "", "   ", "<1a/>",
            "<a>&#;</a>", "<a>&#x;</a>", "<a>&#12345678901;</a>",
        ])
    func malformed(xml: String) {
        #expect(code(xml) == .malformed)
    }

    @Test(
        "declarations and unknown entities are forbidden constructs",
        arguments: [
            "<!DOCTYPE a><a/>", "<a><!ENTITY x \"y\"></a>", "<a>&nbsp;</a>", "<a b=\"&x;\"/>", "<!ELEMENT a ANY><a/>",
        ])
    func forbidden(xml: String) {
        #expect(code(xml) == .forbiddenConstruct)
    }

    @Test("a text run over the content limit is too large, and so is deep nesting")
    func limits() {
        #expect(code("<a>" + String(repeating: "x", count: (1 << 20) + 1) + "</a>") == .tooLarge)
        #expect(code("<a><![CDATA[" + String(repeating: "x", count: (1 << 20) + 1) + "]]></a>") == .tooLarge)
        #expect(code(String(repeating: "<a>", count: 33) + String(repeating: "</a>", count: 33)) == .tooLarge)
        #expect(code(String(repeating: "<a>", count: 32) + String(repeating: "</a>", count: 32)) == nil)
    }

    @Test("over-long names are malformed rather than kept")
    func longName() {
        #expect(code("<" + String(repeating: "a", count: 300) + "/>") == .malformed)
    }

    @Test(
        "a name holds only XML name characters, so an error quoting it stays one printable line",
        arguments: [
            "<t\u{8A} a='1'/>", "<t\u{2028}/>", "<a x\u{85}='1'/>", "<a></a\u{9F}>", "<\u{A0}a/>", "<a\u{7F}/>",
        ])
    func controlInName(xml: String) {
        do {
            _ = try trace(xml)
            Issue.record("\(xml.debugDescription) was read")
        } catch {
            #expect(error.code == .malformed)
            #expect(
                !error.message.unicodeScalars.contains {
                    $0.properties.generalCategory == .control || $0 == "\u{2028}"
                },
                "\(error.message.debugDescription)")
        }
    }

    @Test("names in other scripts are still names")
    func nonASCIIName() throws {
        #expect(
            try trace("<d\u{E9}f \u{65E5}\u{672C}='1'>x</d\u{E9}f>") == "<d\u{E9}f ns=- \u{65E5}\u{672C}=1>\"x\"</>")
    }
}
