import Foundation
import OSSLWatch
import OSSLWatchCore

/// Pin files: the file text is outside input (a downstream's repository); the patterns are the shipped examples'.
enum PinFileHarness {
    static let patterns: [(String, String?)] = [
        (#"OPENSSL_VERSION="openssl-(?<version>[0-9a-z.-]+)""#, #"OPENSSL_SHA256="(?<sha256>[0-9a-f]{64})""#),
        (#"^version = "(?<version>[^"]+)"$"#, nil),
        (#"^export OPENSSL_VERSION="(?<version>[^"]+)"$"#, #"^export OPENSSL_SHA256="(?<sha256>[^"]+)"$"#),
        (#"(?<version>\S+) (?<sha256>\S+)"#, nil),
    ]

    static let harness = Harness(
        name: "pin-file", summary: "pin file text read with the example patterns (first byte picks the pattern)"
    ) { data in
        guard let selector = data.first else { return }
        let (pattern, sha256Pattern) = patterns[Int(selector) % patterns.count]
        let path = ScratchFile.write(data.dropFirst())
        LinkedChecks.check(.pinFile(path: path, pattern: pattern, sha256Pattern: sha256Pattern))
    }
}

/// A CycloneDX document as a wheel's `*.dist-info/sboms/` member: the input is the JSON, the
/// harness wraps it in a wheel (the second SBOM from the input's tail when it has a NUL byte).
enum SBOMHarness {
    static let harness = Harness(
        name: "sbom", summary: "CycloneDX SBOM JSON inside a generated wheel, through the wheel reader"
    ) { data in
        var members: [(String, Data)] = []
        if let split = data.firstIndex(of: 0) {
            members.append(("cryptography-99.0.0.dist-info/sboms/sbom.json", data[..<split]))
            members.append(("cryptography-99.0.0.dist-info/sboms/rust.cyclonedx.json", data[(split + 1)...]))
        } else {
            members.append(("cryptography-99.0.0.dist-info/sboms/sbom.json", data))
        }
        let path = ScratchFile.write(StoredZip.archive(members))
        LinkedChecks.check(.wheel(path: path))
    }
}

/// Whole wheel files: the zip container (ZIPFoundation) and every member the reader looks at.
enum WheelHarness {
    static let harness = Harness(name: "wheel", summary: "a whole wheel (zip) file through the wheel reader") {
        data in
        let path = ScratchFile.write(data)
        LinkedChecks.check(.wheel(path: path))
    }
}

/// What every linked-version source must hold, whatever the file said.
enum LinkedChecks {
    static func check(_ source: LinkedSource) {
        let first = Result { () throws(LinkedError) in try LinkedVersionReader.read(source) }
        let second = Result { () throws(LinkedError) in try LinkedVersionReader.read(source) }
        Invariant.require(first == second, "two reads of one file disagree")
        switch first {
        case .failure(let error):
            Invariant.require(!error.message.isEmpty, "error without a message")
        case .success(let linked):
            VersionHarness.checkRoundTrip(linked.version)
            if let sha256 = linked.sha256 {
                let isHex =
                    sha256.utf8.count == 64
                    && sha256.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
                Invariant.require(isHex, "SHA-256 \(sha256.debugDescription) is not 64 lower-case hex digits")
            }
        }
    }
}
