import Foundation

/// openssl/release-metadata `data.json`: `{"3.5": {"release": "08 Apr 2025", "eol": "08 Apr 2030", "lts": true}, ...}`.
///
/// A key that is not a series name is skipped (the file may grow other keys); a series
/// whose fields are missing, of the wrong type or not dates in the file's two forms fails
/// the document, since that means the format changed and the EOL warnings would be wrong.
struct ReleaseMetadataParser: FeedParser {
    var limits = FeedLimits.standard

    public func parse(_ body: Data, contentType: String?, feed: String) throws(FeedError) -> FeedContent {
        let text = try FeedBody(body, contentType: contentType, mediaTypes: .json, feed: feed, limits: limits).text
        let document: MetadataDocument
        do {
            document = try JSONDecoder().decode(MetadataDocument.self, from: Data(text.utf8))
        } catch let error as MetadataDocument.ShapeError {
            throw FeedError(.unexpectedShape, feed: feed, error.message)
        } catch DecodingError.typeMismatch {
            throw FeedError(.unexpectedShape, feed: feed, "expected a JSON object keyed by series")
        } catch {
            throw FeedError(.malformed, feed: feed, "not valid JSON")
        }
        guard document.keyCount <= limits.maxEntries else {
            throw FeedError(.tooLarge, feed: feed, "more than \(limits.maxEntries) keys")
        }
        return FeedContent(series: document.series.sorted { $0.series < $1.series })
    }
}

/// The whole file: only keys that name a series are decoded, each strictly.
private struct MetadataDocument: Decodable {
    struct ShapeError: Error {
        let message: String
    }

    struct Fields: Decodable {
        let release: String
        let eol: String
        let lts: Bool
    }

    let series: [SeriesInfo]
    let keyCount: Int

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: SeriesKey.self)
        keyCount = container.allKeys.count
        var series: [SeriesInfo] = []
        // allKeys comes out of a dictionary in no fixed order; sorted, a document with two bad
        // series fails with the same error at every poll.
        for key in container.allKeys.sorted(by: { $0.stringValue < $1.stringValue }) {
            guard let name = Series(key.stringValue) else { continue }
            let label = FeedBody.printable(key.stringValue)
            let fields: Fields
            do {
                fields = try container.decode(Fields.self, forKey: key)
            } catch {
                throw ShapeError(
                    message: "series \(label) is not an object with string \"release\", \"eol\" and boolean \"lts\"")
            }
            guard let release = Self.date(fields.release), let eol = Self.date(fields.eol) else {
                throw ShapeError(message: "series \(label) has a date not like \"08 Apr 2030\" or \"Apr 2030\"")
            }
            series.append(SeriesInfo(series: name, release: release, eol: eol, lts: fields.lts))
        }
        self.series = series
    }

    private static func date(_ text: String) -> MetadataDate? {
        text.utf8.count <= 32 ? MetadataDate(text) : nil
    }
}
