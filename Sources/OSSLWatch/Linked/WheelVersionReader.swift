import Foundation
import ZIPFoundation

/// Reads the OpenSSL version inside a Python wheel without unpacking it: the CycloneDX SBOM
/// under `*.dist-info/sboms/` when it names openssl, else the version text in the extension
/// modules (`.so`, `.pyd`, `.dylib`).
enum WheelVersionReader {
    /// No honest wheel member comes near this; a bigger one is a zip bomb or not a wheel.
    static let maxMemberBytes: UInt64 = 512 << 20
    /// All extension modules together; a wheel past this is not worth scanning further.
    static let maxTotalBytes: UInt64 = 2 << 30
    /// SBOMs are small JSON documents.
    static let maxSBOMBytes: UInt64 = 16 << 20

    static func read(path: String, maxMemberBytes: UInt64 = Self.maxMemberBytes) throws(LinkedError) -> LinkedVersion {
        try LinkedVersionReader.requireRegularFile(path, kind: "wheel")
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw LinkedError(.notAZip, path: path, "wheel \(path) is not a zip archive (\(error))")
        }
        let files = archive.filter { $0.type == .file }
        for entry in files where isSBOM(entry.path) {
            if let linked = try readSBOM(entry, in: archive, wheel: path) { return linked }
        }
        var scanner = VersionTextScanner()
        var scanned: [String] = []
        var total: UInt64 = 0
        for entry in files where isExtensionModule(entry.path) {
            try stream(entry, in: archive, wheel: path, limit: maxMemberBytes) { data in scanner.consume(data) }
            scanned.append(entry.path)
            total += entry.uncompressedSize
            guard total <= maxTotalBytes else {
                throw LinkedError(
                    .tooLarge, path: path,
                    "wheel \(path) holds more than \(maxTotalBytes >> 20) MiB of extension modules")
            }
        }
        scanner.finish()
        let what = "wheel \(path) (\(scanned.isEmpty ? "no extension modules" : scanned.joined(separator: ", ")))"
        let (version, text) = try BinaryVersionReader.single(scanner, path: path, what: what)
        return LinkedVersion(version: version, origin: "wheel \(path) (\(text))")
    }

    /// `name-1.0.dist-info/sboms/<any>.json`.
    static func isSBOM(_ member: String) -> Bool {
        let parts = member.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 3 && parts[0].hasSuffix(".dist-info") && parts[1] == "sboms"
            && parts[2].hasSuffix(".json")
    }

    /// Native extension modules and the shared libraries bundled next to them (`libcrypto.so.3`).
    static func isExtensionModule(_ member: String) -> Bool {
        let name = member.split(separator: "/").last.map(String.init) ?? member
        return name.hasSuffix(".so") || name.hasSuffix(".pyd") || name.hasSuffix(".dylib") || name.contains(".so.")
    }

    /// The openssl component of one SBOM, `nil` when it names none (the caller falls back to binaries).
    private static func readSBOM(_ entry: Entry, in archive: Archive, wheel: String) throws(LinkedError)
        -> LinkedVersion?
    {
        var data = Data()
        try stream(entry, in: archive, wheel: wheel, limit: maxSBOMBytes) { chunk in data.append(chunk) }
        guard let document = try? JSONDecoder().decode(CycloneDXDocument.self, from: data) else { return nil }
        let place = "wheel \(wheel) SBOM \(entry.path)"
        var found: [(OpenSSLVersion, String?)] = []
        for component in document.components(named: "openssl") {
            guard let text = component.version else { continue }
            guard let version = OpenSSLVersion.parse(bare: text) ?? OpenSSLVersion.parse(tag: text) else {
                throw LinkedError(
                    .notAVersion, path: wheel, "\(place): openssl version \(text.debugDescription) is not a version")
            }
            let sha256 = component.hashes?.first { $0.alg.uppercased() == "SHA-256" }?.content.lowercased()
            if let sha256, sha256.utf8.count != 64 || !sha256.utf8.allSatisfy(Self.isLowerHex) {
                throw LinkedError(.notAVersion, path: wheel, "\(place): openssl SHA-256 is not 64 hex digits")
            }
            if !found.contains(where: { $0.0 == version && $0.1 == sha256 }) { found.append((version, sha256)) }
        }
        guard let first = found.first else { return nil }
        guard found.count == 1 else {
            let list = found.map(\.0.description).joined(separator: ", ")
            throw LinkedError(.ambiguous, path: wheel, "\(place) names several openssl components (\(list))")
        }
        return LinkedVersion(version: first.0, sha256: first.1, origin: place)
    }

    private static func isLowerHex(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }

    /// Streams one member to `consumer`, refusing it (by declared or actual size) past `limit`.
    private static func stream(
        _ entry: Entry, in archive: Archive, wheel: String, limit: UInt64, consumer: (Data) -> Void
    ) throws(LinkedError) {
        let tooLarge = LinkedError(
            .tooLarge, path: wheel, "wheel \(wheel) member \(entry.path) is larger than \(limit >> 20) MiB")
        guard entry.uncompressedSize <= limit else { throw tooLarge }
        var total: UInt64 = 0
        do {
            _ = try archive.extract(entry, skipCRC32: false) { chunk in
                total += UInt64(chunk.count)
                guard total <= limit else { throw tooLarge }
                consumer(chunk)
            }
        } catch let error as LinkedError {
            throw error
        } catch {
            throw LinkedError(
                .unreadable, path: wheel, "wheel \(wheel) member \(entry.path) cannot be extracted (\(error))")
        }
    }
}
