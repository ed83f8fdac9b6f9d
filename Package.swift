// swift-tools-version:6.1
import PackageDescription

// The target graph, one way only (ARCHITECTURE.md draws it):
//
//   OSSLWatchCore  <-  OSSLWatchStore, OSSLWatchTransport  <-  OSSLWatch  <-  OSSLWatchDaemon  <-  osslwatch
//
// A reference against an arrow is a compile error. `scripts/check-architecture` (run by
// `make test`) checks that the arrows themselves stay this way.
let package = Package(
    name: "osslwatch",
    platforms: [.macOS(.v14)],
    products: [
        .library(
            name: "OSSLWatch",
            targets: ["OSSLWatchCore", "OSSLWatchStore", "OSSLWatchTransport", "OSSLWatch", "OSSLWatchDaemon"]),
        .executable(name: "osslwatch", targets: ["osslwatch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", exact: "2.1.1"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
        .package(url: "https://github.com/x-sheep/swift-property-based", exact: "2.0.1"),
    ],
    targets: [
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // prctl calls (thread names, the child subreaper): prctl is variadic, Swift cannot call it.
        .target(name: "COSSLWatchSystem"),
        // The domain: versions, advisories, feed parsers, the config model, run/step/outbox types
        // and their state machines. Foundation only: no I/O of its own, no C, no package.
        .target(name: "OSSLWatchCore"),
        // The SQLite state store; GRDB is an internal import and appears in no public signature.
        .target(
            name: "OSSLWatchStore",
            dependencies: ["OSSLWatchCore", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // HTTP and SMTP through libcurl, SHA-256 through libcrypto.
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
        // The daemon: services under swift-service-lifecycle, signals, sd_notify, log lines.
        .target(
            name: "OSSLWatchDaemon",
            dependencies: [
                "OSSLWatch",
                "OSSLWatchCore",
                "OSSLWatchStore",
                "OSSLWatchTransport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        // Argument parsing only.
        .executableTarget(
            name: "osslwatch",
            dependencies: [
                "OSSLWatch",
                "OSSLWatchCore",
                "OSSLWatchDaemon",
                "OSSLWatchStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // What both test targets share: one way to run a child program, the real osslwatch binary,
        // the test services, Python's strict mail parser. A regular target, so it needs `path:`.
        .target(name: "OSSLWatchTestSupport", path: "Tests/OSSLWatchTestSupport"),
        .testTarget(
            name: "OSSLWatchTests",
            dependencies: [
                "OSSLWatchCore", "OSSLWatchStore", "OSSLWatchTransport", "OSSLWatch", "OSSLWatchDaemon",
                "OSSLWatchTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "OSSLWatchCore", "OSSLWatchStore", "OSSLWatchTransport", "OSSLWatch", "OSSLWatchDaemon",
                "OSSLWatchTestSupport",
            ]
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
