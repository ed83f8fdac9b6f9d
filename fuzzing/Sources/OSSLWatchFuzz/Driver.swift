import Foundation

// Entry points for libFuzzer. SwiftPM links an executable's `main` to `<module>_main`, and this
// module has no top-level code, so it defines that function and hands the command line to
// libFuzzer's driver. The first argument names the harness (`--list` prints them); libFuzzer
// re-runs the binary without it for `-fork` and `-merge`, so the choice also travels in the
// environment variable OSSLWATCH_FUZZ_HARNESS.

@_silgen_name("LLVMFuzzerRunDriver")
private func runDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@_cdecl("OSSLWatchFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var count = argc
    var arguments = argv
    return runDriver(&count, &arguments) { data, size in fuzzTestOneInput(data, size) }
}

private let environmentKey = "OSSLWATCH_FUZZ_HARNESS"

nonisolated(unsafe) private var selected: Harness?

/// Called by libFuzzer before it reads its flags: takes the harness name off the command line.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>
) -> CInt {
    let count = Int(argc.pointee)
    let arguments = argv.pointee
    let first = count > 1 ? arguments[1].map { String(cString: $0) } : nil
    if first == "--list" {
        for harness in Registry.harnesses { print("\(harness.name)\t\(harness.summary)") }
        exit(0)
    }
    if let first, let harness = Registry.harness(named: first) {
        selected = harness
        setenv(environmentKey, first, 1)
        for index in 1..<count { arguments[index] = arguments[index + 1] }
        argc.pointee -= 1
    } else if let name = ProcessInfo.processInfo.environment[environmentKey] {
        selected = Registry.harness(named: name)
    }
    if selected == nil {
        let names = Registry.harnesses.map(\.name).joined(separator: " ")
        FileHandle.standardError.write(
            Data("usage: OSSLWatchFuzz HARNESS [libFuzzer flags] [CORPUS...]\nharnesses: \(names)\n".utf8))
        exit(64)
    }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let harness = selected else { return 0 }
    harness.run(data.map { Data(bytes: $0, count: size) } ?? Data())
    return 0
}
