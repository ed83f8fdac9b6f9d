import Foundation

/// The one file the path-based readers (pin files, wheels) get each input through; on tmpfs
/// when there is one so that writing it costs no disk I/O.
enum ScratchFile {
    static let path: String = {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        return "\(base)/osslwatch-fuzz-\(getpid())"
    }()

    static func write(_ data: Data) -> String {
        guard FileManager.default.createFile(atPath: path, contents: data) else {
            fatalError("cannot write the scratch file \(path)")
        }
        return path
    }
}
