import Foundation
import OSSLWatchCore
import ZIPFoundation

/// Reads the OpenSSL version inside a Python wheel without unpacking it, from both places
/// a wheel records it: the CycloneDX SBOMs under `*.dist-info/sboms/` (every one of them;
/// only components whose purl names upstream OpenSSL count) and the `OpenSSL X.Y.Z DD Mon
/// YYYY` text in its extension modules (`.so`, `.pyd`, `.dylib`, `.dll`, in any container
/// format: ELF, Mach-O including universal binaries, PE). When both are present they must
/// agree; a disagreement is an error naming both, never a silent pick.
enum WheelVersionReader {
    /// No honest wheel member comes near this; a bigger one is a zip bomb or not a wheel.
    static let maxMemberBytes: UInt64 = 512 << 20
    /// All extension modules together; a wheel past this is not worth scanning further.
    static let maxTotalBytes: UInt64 = 2 << 30
    /// SBOMs are small JSON documents.
    static let maxSBOMBytes: UInt64 = 16 << 20

    static func read(path: String, maxMemberBytes: UInt64 = Self.maxMemberBytes) throws(LinkedError) -> LinkedVersion {
        try PipelineFiles.requireRegularFile(path, kind: "wheel", LinkedError.file)
        let archive = try WheelArchive(path: path)
        let files = archive.members
        var sboms = SBOMOpenSSLEvidence(wheel: path)
        for entry in files where isSBOM(entry.path) {
            var data = Data()
            try archive.stream(entry, limit: maxSBOMBytes) { chunk in data.append(chunk) }
            try sboms.read(data, member: entry.path)
        }
        let statement = try sboms.statement()
        var texts: [(member: String, version: OpenSSLVersion, text: String)] = []
        var scanned: [String] = []
        var total: UInt64 = 0
        for entry in files where isExtensionModule(entry.path) {
            var scanner = VersionTextScanner()
            try archive.stream(entry, limit: maxMemberBytes) { data in scanner.consume(data) }
            scanner.finish()
            texts += scanner.found.map { (entry.path, $0.version, $0.text) }
            scanned.append(entry.path)
            total += entry.uncompressedSize
            guard total <= maxTotalBytes else {
                throw LinkedError(
                    .tooLarge, "wheel \(path) holds more than \(maxTotalBytes >> 20) MiB of extension modules")
            }
        }
        let text = try moduleText(texts, wheel: path)
        switch (statement, text) {
        case (let statement?, let text?):
            guard statement.version == text.version else {
                throw LinkedError(
                    .disagreement,
                    "wheel \(path): SBOM \(statement.members.joined(separator: ", ")) names OpenSSL \(statement.version) "
                        + "but \(text.members.joined(separator: ", ")) carries \"\(text.text)\" (\(text.version)); "
                        + "the wheel does not say which OpenSSL it links: rebuild it or fix its SBOM")
            }
            let origin =
                "wheel \(path) (SBOM \(statement.members.joined(separator: ", ")) and \"\(text.text)\" in "
                + "\(text.members.joined(separator: ", ")))"
            return LinkedVersion(version: statement.version, sha256: statement.sha256, origin: origin)
        case (let statement?, nil):
            let origin = "wheel \(path) (SBOM \(statement.members.joined(separator: ", ")))"
            return LinkedVersion(version: statement.version, sha256: statement.sha256, origin: origin)
        case (nil, let text?):
            let origin = "wheel \(path) (\"\(text.text)\" in \(text.members.joined(separator: ", ")))"
            return LinkedVersion(version: text.version, origin: origin)
        case (nil, nil):
            var message =
                "wheel \(path) names no OpenSSL: no SBOM component has an OpenSSL purl (pkg:generic/openssl, "
                + "pkg:github/openssl/openssl) and no extension module "
                + "(\(scanned.isEmpty ? "there are none" : scanned.joined(separator: ", "))) "
                + "contains \"OpenSSL X.Y.Z DD Mon YYYY\" version text"
            if !sboms.unidentified.isEmpty {
                message +=
                    "; components named openssl with no purl were not counted: "
                    + sboms.unidentified.joined(separator: ", ")
            }
            throw LinkedError(.noMatch, message)
        }
    }

    /// The one version the extension modules carry with the members carrying it; `nil` when
    /// none does. A universal binary holds the text once per architecture: the same version
    /// twice is one; different versions, in one member or several, are ambiguous.
    private static func moduleText(_ texts: [(member: String, version: OpenSSLVersion, text: String)], wheel: String)
        throws(LinkedError) -> (version: OpenSSLVersion, text: String, members: [String])?
    {
        guard let first = texts.first else { return nil }
        guard texts.allSatisfy({ $0.version == first.version }) else {
            let list = texts.map { "\"\($0.text)\" in \($0.member)" }.joined(separator: ", ")
            throw LinkedError(
                .ambiguous, "wheel \(wheel): its extension modules carry different OpenSSL versions: \(list)"
            )
        }
        var members: [String] = []
        for entry in texts where !members.contains(entry.member) { members.append(entry.member) }
        return (first.version, first.text, members)
    }

    /// `name-1.0.dist-info/sboms/<any>.json`.
    static func isSBOM(_ member: String) -> Bool {
        let parts = member.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 3 && parts[0].hasSuffix(".dist-info") && parts[1] == "sboms"
            && parts[2].hasSuffix(".json")
    }

    /// Native extension modules and the shared libraries bundled next to them: `_rust.abi3.so`
    /// (ELF on Linux, Mach-O on macOS), `_rust.pyd` (Windows), `libcrypto.so.3`, `.dylib`, `.dll`.
    static func isExtensionModule(_ member: String) -> Bool {
        let name = (member.split(separator: "/").last.map(String.init) ?? member).lowercased()
        return [".so", ".pyd", ".dylib", ".dll"].contains { name.hasSuffix($0) } || name.contains(".so.")
    }
}

/// A wheel's zip directory, read by us, and its members read with work bounded by what the
/// directory declares. ZIPFoundation's own `Archive.extract` reads a deflated member until the
/// deflate stream says it is done, asking for more input past the member's end; at end of file
/// it gets none and loops forever (0.9.20), so a wheel whose stream never ends stalls `check`
/// and the daemon's round. Here every member's compressed bytes are located from its local
/// header and served to the inflater exactly once: asking for more than the directory's
/// compressed size is an error, the output is capped while it is produced, and its size and
/// CRC-32 must match the directory.
final class WheelArchive {
    /// One file member as the central directory describes it.
    struct Member {
        var path: String
        var method: UInt16
        var crc32: UInt32
        var compressedSize: UInt64
        var uncompressedSize: UInt64
        var localHeaderOffset: UInt64
    }

    /// A central directory bigger than this is not a wheel's.
    static let maxDirectoryBytes: UInt64 = 64 << 20
    /// Bytes handed to the inflater per request and produced per step.
    static let chunkBytes = 64 << 10

    let path: String
    /// File members in directory order (directories, whose names end in `/`, are left out).
    private(set) var members: [Member] = []
    private let file: FileHandle
    private let fileSize: UInt64

    init(path: String) throws(LinkedError) {
        self.path = path
        do {
            file = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            fileSize = try file.seekToEnd()
        } catch {
            throw LinkedError(.unreadable, "wheel \(path) cannot be read (\(error))")
        }
        do {
            members = try readDirectory()
        } catch {
            try? file.close()
            throw error
        }
    }

    deinit { try? file.close() }

    /// Streams `member`'s content to `consumer` in chunks, refusing it (by declared or actual
    /// size) past `limit`, and refusing content whose size or CRC-32 differs from the directory's.
    func stream(_ member: Member, limit: UInt64, consumer: (Data) throws(LinkedError) -> Void) throws(LinkedError) {
        let tooLarge = LinkedError(
            .tooLarge, "wheel \(path) member \(member.path) is larger than \(limit >> 20) MiB")
        guard member.uncompressedSize <= limit else { throw tooLarge }
        let start = try dataOffset(member)
        var produced: UInt64 = 0
        var checksum: UInt32 = 0
        func take(_ chunk: Data) throws(LinkedError) {
            produced += UInt64(chunk.count)
            guard produced <= limit else { throw tooLarge }
            checksum = chunk.crc32(checksum: checksum)
            try consumer(chunk)
        }
        switch member.method {
        case 0:
            var offset: UInt64 = 0
            while offset < member.compressedSize {
                let count = Int(min(member.compressedSize - offset, UInt64(Self.chunkBytes)))
                try take(try bytes(at: start + offset, count: count, member: member))
                offset += UInt64(count)
            }
        case 8:
            try inflate(member, from: start, into: take)
        default:
            throw broken(member, "uses compression method \(member.method); wheels use stored (0) or deflate (8)")
        }
        guard produced == member.uncompressedSize else {
            throw broken(member, "holds \(produced) bytes but the directory says \(member.uncompressedSize)")
        }
        guard checksum == member.crc32 else {
            throw broken(member, "fails its CRC-32 check (the wheel is corrupt)")
        }
    }

    /// Inflates the member's `compressedSize` bytes and no more. ZIPFoundation's decode loop asks
    /// the provider again until the stream ends, so a stream that has not ended when its bytes are
    /// used up is refused by throwing from the provider. The loop also tells zlib the chunk is as
    /// long as the request whatever the provider returns, so every chunk is made that long: the
    /// member's last bytes are followed by zeros, which only a stream that is already broken reads.
    private func inflate(_ member: Member, from start: UInt64, into take: (Data) throws(LinkedError) -> Void)
        throws(LinkedError)
    {
        var served: UInt64 = 0
        do {
            _ = try Data.decompress(
                size: Int64(member.compressedSize), bufferSize: Self.chunkBytes, skipCRC32: true,
                provider: { _, requested in
                    guard served < member.compressedSize else {
                        throw broken(member, "has a deflate stream that does not end within its compressed size")
                    }
                    let count = Int(min(member.compressedSize - served, UInt64(requested)))
                    var chunk = try bytes(at: start + served, count: count, member: member)
                    served += UInt64(count)
                    if chunk.count < requested { chunk.append(Data(count: requested - chunk.count)) }
                    return chunk
                },
                consumer: { chunk in try take(chunk) })
        } catch let error as LinkedError {
            throw error
        } catch {
            throw broken(member, "cannot be inflated (\(error))")
        }
    }

    /// Where the member's data starts: after its 30-byte local header, name and extra field.
    /// The data must lie wholly inside the file.
    private func dataOffset(_ member: Member) throws(LinkedError) -> UInt64 {
        guard member.localHeaderOffset <= fileSize, fileSize - member.localHeaderOffset >= 30 else {
            throw broken(member, "has its local header past the end of the file")
        }
        let header = try bytes(at: member.localHeaderOffset, count: 30, member: member)
        guard Self.uint32(header, 0) == 0x0403_4B50 else { throw broken(member, "has no local header") }
        let start = member.localHeaderOffset + 30 + UInt64(Self.uint16(header, 26)) + UInt64(Self.uint16(header, 28))
        guard start <= fileSize, member.compressedSize <= fileSize - start else {
            throw broken(member, "is truncated: its \(member.compressedSize) bytes run past the end of the file")
        }
        return start
    }

    private func bytes(at offset: UInt64, count: Int, member: Member?) throws(LinkedError) -> Data {
        let data: Data
        do {
            try file.seek(toOffset: offset)
            data = try file.read(upToCount: count) ?? Data()
        } catch {
            throw LinkedError(.unreadable, "wheel \(path) cannot be read (\(error))")
        }
        guard data.count == count else {
            let what = member.map { "member \($0.path)" } ?? "zip directory"
            throw LinkedError(.unreadable, "wheel \(path) \(what) is truncated at byte \(offset)")
        }
        return data
    }

    private func broken(_ member: Member, _ problem: String) -> LinkedError {
        LinkedError(.unreadable, "wheel \(path) member \(member.path) \(problem)")
    }

    private func notAZip(_ problem: String) -> LinkedError {
        LinkedError(.notAZip, "wheel \(path) is not a zip archive (\(problem))")
    }

    /// Reads the end-of-central-directory record (and its ZIP64 form when a field overflows),
    /// then every central directory entry.
    private func readDirectory() throws(LinkedError) -> [Member] {
        let tailCount = Int(min(fileSize, 22 + 0xFFFF))
        guard tailCount >= 22 else { throw notAZip("too short") }
        let tail = try bytes(at: fileSize - UInt64(tailCount), count: tailCount, member: nil)
        var end = tailCount - 22
        while Self.uint32(tail, end) != 0x0605_4B50 {
            guard end > 0 else { throw notAZip("no end of central directory record") }
            end -= 1
        }
        var count = UInt64(Self.uint16(tail, end + 10))
        var size = UInt64(Self.uint32(tail, end + 12))
        var offset = UInt64(Self.uint32(tail, end + 16))
        if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
            let locatorAt = fileSize - UInt64(tailCount - end)
            guard locatorAt >= 20 else { throw notAZip("no ZIP64 end of central directory locator") }
            let locator = try bytes(at: locatorAt - 20, count: 20, member: nil)
            guard Self.uint32(locator, 0) == 0x0706_4B50 else {
                throw notAZip("no ZIP64 end of central directory locator")
            }
            let recordAt = Self.uint64(locator, 8)
            guard recordAt < fileSize, fileSize - recordAt >= 56 else { throw notAZip("bad ZIP64 record offset") }
            let record = try bytes(at: recordAt, count: 56, member: nil)
            guard Self.uint32(record, 0) == 0x0606_4B50 else { throw notAZip("no ZIP64 end of central directory") }
            count = Self.uint64(record, 32)
            size = Self.uint64(record, 40)
            offset = Self.uint64(record, 48)
        }
        guard offset <= fileSize, size <= fileSize - offset else {
            throw notAZip("central directory lies past the end of the file")
        }
        guard size <= Self.maxDirectoryBytes else {
            throw LinkedError(
                .tooLarge, "wheel \(path) has a central directory over \(Self.maxDirectoryBytes >> 20) MiB")
        }
        let directory = try bytes(at: offset, count: Int(size), member: nil)
        guard count <= size / 46 else { throw notAZip("central directory is too small for its \(count) entries") }
        var members: [Member] = []
        var at = 0
        for _ in 0..<count {
            guard at + 46 <= directory.count, Self.uint32(directory, at) == 0x0201_4B50 else {
                throw notAZip("central directory entry \(members.count + 1) is malformed")
            }
            let nameLength = Int(Self.uint16(directory, at + 28))
            let extraLength = Int(Self.uint16(directory, at + 30))
            let commentLength = Int(Self.uint16(directory, at + 32))
            let next = at + 46 + nameLength + extraLength + commentLength
            guard next <= directory.count else { throw notAZip("central directory entry runs past its end") }
            let name = String(
                decoding: directory[directory.startIndex + at + 46..<directory.startIndex + at + 46 + nameLength],
                as: UTF8.self)
            var member = Member(
                path: name, method: Self.uint16(directory, at + 10), crc32: Self.uint32(directory, at + 16),
                compressedSize: UInt64(Self.uint32(directory, at + 20)),
                uncompressedSize: UInt64(Self.uint32(directory, at + 24)),
                localHeaderOffset: UInt64(Self.uint32(directory, at + 42)))
            try applyZIP64(
                directory[
                    directory.startIndex + at + 46 + nameLength..<directory.startIndex + at + 46 + nameLength
                        + extraLength],
                to: &member)
            if Self.uint16(directory, at + 8) & 1 != 0 {
                throw LinkedError(.unreadable, "wheel \(path) member \(name) is encrypted")
            }
            if !name.hasSuffix("/") { members.append(member) }
            at = next
        }
        return members
    }

    /// Takes the 64-bit sizes and offset from the ZIP64 extra field (id 1), in its fixed order,
    /// for each 32-bit field that holds its all-ones marker.
    private func applyZIP64(_ extra: Data, to member: inout Member) throws(LinkedError) {
        var at = 0
        while at + 4 <= extra.count {
            let id = Self.uint16(extra, at)
            let length = Int(Self.uint16(extra, at + 2))
            guard at + 4 + length <= extra.count else { break }
            if id == 1 {
                var field = at + 4
                for key in [\Member.uncompressedSize, \Member.compressedSize, \Member.localHeaderOffset]
                where member[keyPath: key] == 0xFFFF_FFFF {
                    guard field + 8 <= at + 4 + length else {
                        throw notAZip("member \(member.path) has a short ZIP64 extra field")
                    }
                    member[keyPath: key] = Self.uint64(extra, field)
                    field += 8
                }
                return
            }
            at += 4 + length
        }
    }

    private static func uint16(_ data: Data, _ at: Int) -> UInt16 {
        let base = data.startIndex + at
        return UInt16(data[base]) | UInt16(data[base + 1]) << 8
    }

    private static func uint32(_ data: Data, _ at: Int) -> UInt32 {
        UInt32(uint16(data, at)) | UInt32(uint16(data, at + 2)) << 16
    }

    private static func uint64(_ data: Data, _ at: Int) -> UInt64 {
        UInt64(uint32(data, at)) | UInt64(uint32(data, at + 4)) << 32
    }
}
