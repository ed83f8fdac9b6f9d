// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "osslwatch",
    platforms: [.macOS(.v14)],
    products: [
        .library(
            name: "OSSLWatch",
            targets: ["OSSLWatchCore", "OSSLWatchStore", "OSSLWatchTransport", "OSSLWatch", "OSSLWatchDaemon"]),
        // `osslwatch` is the small static launcher users run; it execs `osslwatch-daemon`, the
        // Swift executable, installed beside it (see Sources/OSSLWatchLauncher/main.c).
        .executable(name: "osslwatch", targets: ["OSSLWatchLauncher"]),
        .executable(name: "osslwatch-daemon", targets: ["osslwatch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", exact: "2.1.1"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
        .package(url: "https://github.com/x-sheep/swift-property-based", exact: "2.0.1"),
    ],
    targets: [
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .target(name: "COSSLWatchEarly"),
        .target(name: "COSSLWatchSystem"),
        // The target graph, one way only (ARCHITECTURE.md draws it):
        //   OSSLWatchCore <- OSSLWatchStore, OSSLWatchTransport <- OSSLWatch <- OSSLWatchDaemon <- osslwatch
        // Core: the domain (versions, advisories, feed parsers, the config model, run/step/outbox
        // types and their state machines); no I/O, no C.
        .target(name: "OSSLWatchCore"),
        // Store: the SQLite state store; GRDB stays inside it.
        .target(
            name: "OSSLWatchStore",
            dependencies: ["OSSLWatchCore", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // Transport: HTTP and SMTP through libcurl, SHA-256 through libcrypto.
        .target(
            name: "OSSLWatchTransport",
            dependencies: ["OSSLWatchCore", "CCurl", "COpenSSL", "COSSLWatchSystem"]
        ),
        // The application: the poll round, the pipeline's step executors, the announcer, the
        // linked-version readers, config loading, control requests, metrics.
        .target(
            name: "OSSLWatch",
            dependencies: [
                "OSSLWatchCore",
                "OSSLWatchStore",
                "OSSLWatchTransport",
                "COSSLWatchSystem",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        // The daemon: lifecycle, sd_notify, journald logging.
        .target(
            name: "OSSLWatchDaemon",
            dependencies: [
                "OSSLWatch",
                "OSSLWatchCore",
                "OSSLWatchStore",
                "OSSLWatchTransport",
                "COSSLWatchEarly",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "osslwatch",
            dependencies: [
                "OSSLWatch",
                "OSSLWatchCore",
                "OSSLWatchDaemon",
                "OSSLWatchStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "OSSLWatchLauncher",
            linkerSettings: [.unsafeFlags(["-static-executable", "-nostartfiles"])]
        ),
        .testTarget(
            name: "OSSLWatchTests",
            dependencies: [
                "OSSLWatchCore", "OSSLWatchStore", "OSSLWatchTransport", "OSSLWatch", "OSSLWatchDaemon",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["OSSLWatchCore", "OSSLWatchStore", "OSSLWatchTransport", "OSSLWatch", "OSSLWatchDaemon"]
        ),
    ]
)

// Settings that keep the module boundaries honest: imports are internal unless a public
// signature needs them, a file sees only the members of modules it imports itself, and an
// existential says `any`.
for target in package.targets where target.type == .regular || target.type == .executable {
    guard !target.name.hasPrefix("C") else { continue }
    target.swiftSettings =
        (target.swiftSettings ?? []) + [
            .enableUpcomingFeature("InternalImportsByDefault"),
            .enableUpcomingFeature("MemberImportVisibility"),
            .enableUpcomingFeature("ExistentialAny"),
        ]
}
