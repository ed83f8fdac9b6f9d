import Foundation

/// A wheel shaped like the pyca/cryptography wheels on PyPI, built at test time: the same
/// member names in the same order, the CycloneDX documents under `sboms/` with the structure
/// the real ones have (`sbom.json` for the OpenSSL built in, the Rust dependency tree with
/// its `openssl` crate, auditwheel's system libraries on musllinux), and an extension module
/// in the platform's container format (ELF, fat Mach-O, PE) carrying the version text.
struct RealWheel {
    /// The platforms pyca ships, by wheel platform tag.
    enum Platform: String, CaseIterable, Sendable, CustomStringConvertible {
        case manylinuxX64 = "manylinux_2_34_x86_64"
        case manylinuxAarch64 = "manylinux_2_34_aarch64"
        case musllinuxX64 = "musllinux_1_2_x86_64"
        case musllinuxAarch64 = "musllinux_1_2_aarch64"
        case macOSUniversal2 = "macosx_10_9_universal2"
        case windowsAMD64 = "win_amd64"

        var description: String { rawValue }

        var isMusl: Bool { self == .musllinuxX64 || self == .musllinuxAarch64 }

        /// Where the Rust extension module lives in the wheel.
        var modulePath: String {
            self == .windowsAMD64
                ? "cryptography/hazmat/bindings/_rust.pyd" : "cryptography/hazmat/bindings/_rust.abi3.so"
        }
    }

    var platform: Platform
    var release = "51.0.1"
    /// The version `sbom.json` names for `pkg:generic/openssl`; `nil` leaves `sbom.json` out.
    var sbomVersion: String? = "4.1.1"
    /// The version text in the module; for universal2 the second slice may carry another one.
    var moduleText: String? = "OpenSSL 4.1.1 1 Dec 2026"
    var secondSliceText: String?
    /// Whether `cryptography-rust.cyclonedx.json` is in the wheel (every wheel since 47.0.0).
    var rustSBOM = true
    /// Components added to `auditwheel.cdx.json` (musllinux) after its own.
    var extraAuditwheelComponents: [[String: Any]] = []
    /// Replaces the components of `sbom.json` when set.
    var sbomComponents: [[String: Any]]?

    static let tarballSHA256 = "5f0c3b4d6e8a9b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8"

    var fileName: String { "cryptography-\(release)-cp311-abi3-\(platform.rawValue).whl" }
    var distInfo: String { "cryptography-\(release).dist-info" }
    var sbomPath: String { "\(distInfo)/sboms/sbom.json" }
    var rustSBOMPath: String { "\(distInfo)/sboms/cryptography-rust.cyclonedx.json" }
    var auditwheelPath: String { "\(distInfo)/sboms/auditwheel.cdx.json" }

    /// Writes the wheel into `directory` with the system `zip`, members in the real order.
    func write(in directory: URL) throws -> String {
        let tree = directory.appendingPathComponent("tree-\(UUID().uuidString)")
        var members: [(String, Data)] = [
            ("cryptography/__init__.py", Data("__version__ = \"\(release)\"\n".utf8)),
            (platform.modulePath, module()),
            ("cryptography/py.typed", Data()),
        ]
        if platform.isMusl {
            members.append(("cryptography.libs/libgcc_s-0cd532bd.so.1", Self.elf(machine: 0x3E, rodata: [])))
        }
        members += [
            ("\(distInfo)/METADATA", Data("Metadata-Version: 2.4\nName: cryptography\nVersion: \(release)\n".utf8)),
            (
                "\(distInfo)/WHEEL",
                Data("Wheel-Version: 1.0\nRoot-Is-Purelib: false\nTag: cp311-abi3-\(platform)\n".utf8)
            ),
        ]
        if platform.isMusl { members.append((auditwheelPath, try json(auditwheelDocument()))) }
        if rustSBOM { members.append((rustSBOMPath, try json(rustDocument()))) }
        if let sbomVersion { members.append((sbomPath, try json(opensslDocument(sbomVersion)))) }
        members.append(("\(distInfo)/RECORD", Data(members.map { "\($0.0),,\n" }.joined().utf8)))
        for (path, contents) in members {
            let url = tree.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try contents.write(to: url)
        }
        let wheel = directory.appendingPathComponent(fileName).path
        try LinkedScratch.run("/usr/bin/zip", ["-q", "-X", wheel] + members.map(\.0), in: tree)
        try FileManager.default.removeItem(at: tree)
        return wheel
    }

    // MARK: - Extension modules

    /// Read-only data as a linker lays it out: other strings around the version text.
    static func rodata(_ text: String?) -> [UInt8] {
        var bytes = Array("OpenSSL 3's legacy provider failed to load.\u{0}%s: %s\u{0}OpenSSL\u{0}".utf8)
        if let text { bytes += Array(text.utf8) + [0] }
        bytes += Array("built on: reproducible build, date unspecified\u{0}".utf8)
        return bytes
    }

    func module() -> Data {
        switch platform {
        case .manylinuxX64, .musllinuxX64: Self.elf(machine: 0x3E, rodata: Self.rodata(moduleText))
        case .manylinuxAarch64, .musllinuxAarch64: Self.elf(machine: 0xB7, rodata: Self.rodata(moduleText))
        case .macOSUniversal2: Self.fatMachO(slices: [moduleText, secondSliceText ?? moduleText])
        case .windowsAMD64: Self.pe(rodata: Self.rodata(moduleText))
        }
    }

    /// A 64-bit little-endian ELF shared object header, then the read-only data.
    static func elf(machine: UInt16, rodata: [UInt8]) -> Data {
        var bytes: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0] + [UInt8](repeating: 0, count: 8)
        bytes += le(UInt16(3)) + le(machine) + le(UInt32(1))
        bytes += [UInt8](repeating: 0, count: 64 - bytes.count)
        bytes += [UInt8](repeating: 0, count: 4096 - bytes.count)
        return Data(bytes + rodata + [UInt8](repeating: 0, count: 512))
    }

    /// A universal binary: the big-endian fat header, then an x86_64 and an arm64 Mach-O
    /// bundle at 16 KiB alignment, each with its own copy of the read-only data.
    static func fatMachO(slices texts: [String?]) -> Data {
        let cpus: [(UInt32, UInt32)] = [(0x0100_0007, 3), (0x0100_000C, 0)]
        let slices = zip(cpus, texts).map { cpu, text in
            var slice: [UInt8] = le(UInt32(0xFEED_FACF)) + le(cpu.0) + le(cpu.1) + le(UInt32(8))
            slice += [UInt8](repeating: 0, count: 4096 - slice.count)
            return slice + rodata(text) + [UInt8](repeating: 0, count: 256)
        }
        let align: UInt32 = 14
        var header: [UInt8] = be(UInt32(0xCAFE_BABE)) + be(UInt32(slices.count))
        var offset = 1 << align
        var body: [UInt8] = []
        for (cpu, slice) in zip(cpus, slices) {
            header += be(cpu.0) + be(cpu.1) + be(UInt32(offset)) + be(UInt32(slice.count)) + be(align)
            body += slice + [UInt8](repeating: 0, count: (1 << align) - slice.count % (1 << align))
            offset += slice.count + (1 << align) - slice.count % (1 << align)
        }
        return Data(header + [UInt8](repeating: 0, count: (1 << align) - header.count) + body)
    }

    /// A PE32+ DLL for x86-64: the MZ stub pointing at the `PE\0\0` header, then the data.
    static func pe(rodata: [UInt8]) -> Data {
        var bytes: [UInt8] = Array("MZ".utf8) + [UInt8](repeating: 0, count: 0x3A) + le(UInt32(0x80))
        bytes += [UInt8](repeating: 0, count: 0x80 - bytes.count)
        bytes += Array("PE".utf8) + [0, 0] + le(UInt16(0x8664)) + le(UInt16(6))
        bytes += [UInt8](repeating: 0, count: 1024 - bytes.count)
        return Data(bytes + rodata + [UInt8](repeating: 0, count: 512))
    }

    private static func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian, Array.init)
    }
    private static func be<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian, Array.init)
    }

    // MARK: - SBOMs

    private func json(_ object: [String: Any]) throws -> Data {
        try JSONSerialization.data(
            withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }

    /// The upstream OpenSSL component as the wheel builders record it.
    static func opensslComponent(_ version: String, sha256: String = tarballSHA256) -> [String: Any] {
        let tarball =
            "https://github.com/openssl/openssl/releases/download/openssl-\(version)/openssl-\(version).tar.gz"
        return [
            "type": "library", "name": "openssl", "version": version,
            "purl": "pkg:generic/openssl@\(version)?download_url=\(tarball)",
            "hashes": [["alg": "SHA-256", "content": sha256]],
            "externalReferences": [["type": "distribution", "url": tarball]],
            "properties": [
                ["name": "build:operating-system", "value": "linux"],
                ["name": "build:architecture", "value": "x86_64"],
                ["name": "build:flags", "value": "no-shared no-module no-apps no-docs"],
            ],
        ]
    }

    private func opensslDocument(_ version: String) -> [String: Any] {
        [
            "bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
            "serialNumber": "urn:uuid:00000000-0000-4000-8000-000000000001",
            "metadata": ["timestamp": "2026-12-04T00:00:00Z"],
            "components": sbomComponents ?? [Self.opensslComponent(version)],
        ]
    }

    /// A crate as cargo-cyclonedx lists it.
    private static func crate(_ name: String, _ version: String, description: String? = nil) -> [String: Any] {
        var component: [String: Any] = [
            "type": "library", "bom-ref": "registry+https://github.com/rust-lang/crates.io-index#\(name)@\(version)",
            "name": name, "version": version, "scope": "required", "purl": "pkg:cargo/\(name)@\(version)",
            "hashes": [["alg": "SHA-256", "content": String(repeating: "ab", count: 32)]],
        ]
        if let description { component["description"] = description }
        return component
    }

    private func rustDocument() -> [String: Any] {
        let own = "0.\(release.split(separator: ".").dropFirst().joined(separator: "."))"
        let local = { (name: String) -> [String: Any] in
            [
                "type": "library", "bom-ref": "path+file:///build/src/rust/\(name)#\(own)", "name": name,
                "version": own, "scope": "required", "purl": "pkg:cargo/\(name)@\(own)?download_url=file://\(name)",
            ]
        }
        let crates = [
            Self.crate("openssl", "0.10.82", description: "Safe Rust wrappers over OpenSSL"),
            Self.crate("openssl-sys", "0.9.118", description: "Raw OpenSSL declarations for Rust"),
            Self.crate("openssl-macros", "0.1.1", description: "Procedural macros for the openssl crate"),
            Self.crate("foreign-types", "0.3.2"), Self.crate("pyo3", "0.30.1"), Self.crate("asn1", "0.25.1"),
        ]
        return [
            "bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
            "serialNumber": "urn:uuid:00000000-0000-4000-8000-000000000002",
            "metadata": [
                "timestamp": "2026-12-04T00:00:00Z",
                "tools": [["vendor": "CycloneDX", "name": "cargo-cyclonedx", "version": "0.5.9"]],
                "component": [
                    "type": "library", "name": "cryptography-rust", "version": own,
                    "purl": "pkg:cargo/cryptography-rust@\(own)?download_url=file://.",
                    "components": [
                        [
                            "type": "library", "name": "cryptography_rust", "version": own,
                            "purl": "pkg:cargo/cryptography-rust@\(own)?download_url=file://.#src/lib.rs",
                        ]
                    ],
                ],
            ],
            "components": [local("cryptography-cffi"), local("cryptography-openssl")] + crates,
            "dependencies": [
                [
                    "ref": "registry+https://github.com/rust-lang/crates.io-index#openssl@0.10.82",
                    "dependsOn": ["registry+https://github.com/rust-lang/crates.io-index#openssl-sys@0.9.118"],
                ]
            ],
        ]
    }

    private func auditwheelDocument() -> [String: Any] {
        let wheel = "pkg:pypi/cryptography@\(release)?file_name=\(fileName)"
        let own: [String: Any] = [
            "type": "library", "bom-ref": wheel, "name": "cryptography", "version": release, "purl": wheel,
        ]
        let libgcc: [String: Any] = [
            "type": "library", "bom-ref": "pkg:apk/alpine/libgcc@14.2.0-r6", "name": "libgcc",
            "version": "14.2.0-r6", "purl": "pkg:apk/alpine/libgcc@14.2.0-r6",
        ]
        return [
            "bomFormat": "CycloneDX", "specVersion": "1.4", "version": 1,
            "metadata": ["component": own, "tools": [["name": "auditwheel", "version": "6.8.2"]]],
            "components": [own, libgcc] + extraAuditwheelComponents,
            "dependencies": [["ref": wheel, "dependsOn": ["pkg:apk/alpine/libgcc@14.2.0-r6"]]],
        ]
    }
}
