import Foundation
import OSSLWatchCore

/// Reads the `OpenSSL X.Y.Z DD Mon YYYY` text a static link leaves in a program or library.
enum BinaryVersionReader {
    static let chunkSize = 1 << 20

    static func read(path: String) throws(LinkedError) -> LinkedVersion {
        try PipelineFiles.requireRegularFile(path, kind: "binary", LinkedError.file)
        var scanner = VersionTextScanner()
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            while let chunk = try handle.read(upToCount: chunkSize), !chunk.isEmpty {
                scanner.consume(chunk)
            }
        } catch {
            throw LinkedError(.unreadable, "binary \(path) cannot be read: \(error.localizedDescription)")
        }
        scanner.finish()
        let what = "binary \(path)"
        switch scanner.found.count {
        case 0:
            throw LinkedError(.noMatch, "\(what) contains no \"OpenSSL X.Y.Z DD Mon YYYY\" version text")
        case 1:
            return LinkedVersion(version: scanner.found[0].version, origin: "\(what) (\(scanner.found[0].text))")
        default:
            let list = scanner.found.map { "\"\($0.text)\"" }.joined(separator: ", ")
            throw LinkedError(.ambiguous, "\(what) contains different OpenSSL versions: \(list)")
        }
    }
}

/// Finds the `OpenSSL X.Y.Z DD Mon YYYY` strings (`OPENSSL_VERSION_TEXT`) in a byte stream fed
/// in chunks of any size, so a 100 MiB binary is never held in memory and a string cut by a
/// chunk boundary is still found.
struct VersionTextScanner {
    /// Longest candidate looked at; every valid text is far shorter.
    static let maxCandidate = OpenSSLVersion.maxLength
    private static let needle = Array("OpenSSL ".utf8)

    /// Versions found, each with the first text that named it, in order of first appearance.
    private(set) var found: [(version: OpenSSLVersion, text: String)] = []
    /// Bytes kept from the previous chunk: a possible start of a candidate.
    private var carry: [UInt8] = []

    var versions: [OpenSSLVersion] { found.map(\.version) }

    mutating func consume(_ bytes: UnsafeRawBufferPointer) {
        var buffer = carry
        buffer.append(contentsOf: bytes)
        carry = scan(buffer, final: false)
    }

    mutating func consume(_ data: Data) {
        data.withUnsafeBytes { consume($0) }
    }

    /// Call once after the last chunk: a candidate running to the end of the stream is judged too.
    mutating func finish() {
        _ = scan(carry, final: true)
        carry = []
    }

    /// Scans `buffer`, records complete candidates and returns the tail to keep for the next chunk.
    private mutating func scan(_ buffer: [UInt8], final: Bool) -> [UInt8] {
        let needle = Self.needle
        var index = 0
        var keepFrom = final ? buffer.count : max(0, buffer.count - (needle.count - 1))
        while let start = Self.find(needle, in: buffer, from: index) {
            var end = start + needle.count
            while end < buffer.count, end - start < Self.maxCandidate, Self.isTextByte(buffer[end]) { end += 1 }
            if !final, end == buffer.count, end - start < Self.maxCandidate {
                keepFrom = start
                break
            }
            let complete = end - start < Self.maxCandidate || (end < buffer.count && !Self.isTextByte(buffer[end]))
            if complete { record(buffer[start..<end]) }
            index = start + 1
        }
        keepFrom = max(keepFrom, min(index, buffer.count))
        return Array(buffer[keepFrom...])
    }

    private mutating func record(_ bytes: ArraySlice<UInt8>) {
        let text = String(decoding: bytes, as: UTF8.self)
        // Only the dated form is the embedded version text; a bare "OpenSSL 1.1.1" is prose.
        guard text.split(separator: " ").count >= 4, let version = OpenSSLVersion.parse(text: text) else { return }
        if !found.contains(where: { $0.version == version }) { found.append((version, text)) }
    }

    private static func isTextByte(_ byte: UInt8) -> Bool { byte >= 0x20 && byte < 0x7F }

    private static func find(_ needle: [UInt8], in buffer: [UInt8], from start: Int) -> Int? {
        guard start <= buffer.count - needle.count else { return nil }
        return buffer.withUnsafeBufferPointer { pointer -> Int? in
            guard let base = pointer.baseAddress else { return nil }
            var position = start
            while position <= buffer.count - needle.count {
                guard let hit = memchr(base + position, Int32(needle[0]), buffer.count - needle.count + 1 - position)
                else { return nil }
                let offset = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if memcmp(base + offset, needle, needle.count) == 0 { return offset }
                position = offset + 1
            }
            return nil
        }
    }
}
