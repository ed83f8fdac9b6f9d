// swift-tools-version:6.1
import Foundation
import PackageDescription

// A package of its own so that `swift build` and `make test` of osslwatch never compile it:
// it links only with `--sanitize=fuzzer` (libFuzzer supplies the driver). `make fuzz` builds it.
// SwiftPM names a path dependency after its directory, which differs between clones.
let osslwatch = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

let package = Package(
    name: "osslwatch-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(path: osslwatch.path)],
    targets: [
        .executableTarget(
            name: "OSSLWatchFuzz",
            dependencies: [.product(name: "OSSLWatch", package: osslwatch.lastPathComponent)]
        )
    ]
)
