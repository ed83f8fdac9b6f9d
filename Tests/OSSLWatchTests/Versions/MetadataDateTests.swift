import Foundation
import OSSLWatch
import OSSLWatchCore
import Testing

@Suite struct MetadataDateTests {
    @Test("data.json dates parse in both shapes and print back", arguments: ["07 Sep 2026", "Nov 2028", "29 Feb 2028"])
    func roundTrip(text: String) throws {
        let date = try #require(MetadataDate(text))
        #expect(date.description == text)
    }

    @Test(
        "impossible or malformed dates are refused",
        arguments: [
            "31 Feb 2026", "29 Feb 2026", "31 Apr 2030", "0 Apr 2030", "7 Sept 2026", "Apr 30", "+7 Apr 2030",
            "07 Apr 2030 x",
        ])
    func refuses(text: String) {
        #expect(MetadataDate(text) == nil)
    }

    @Test("a month-only date starts on the first of the month at midnight UTC")
    func monthOnlyStart() throws {
        let planned = try #require(MetadataDate("Nov 2027"))
        let first = try #require(MetadataDate("01 Nov 2027"))
        #expect(planned.start == first.start)
        #expect(first.start.timeIntervalSince1970 == 1_825_027_200)
    }
}
