import Foundation

/// One fuzz target: a name `make fuzz` selects it by, and the function libFuzzer calls with each input.
///
/// A harness returns normally for every input the parser may reject; it traps (through
/// `Invariant.require`) only when the parser broke a promise, so libFuzzer saves that input.
struct Harness: Sendable {
    let name: String
    /// What the harness feeds and checks, for `osslwatch-fuzz --list`.
    let summary: String
    let run: @Sendable (Data) -> Void
}

/// Checks the fuzz harnesses make on what a parser returned.
enum Invariant {
    /// Traps with `message` when `condition` fails; libFuzzer reports the deadly signal and keeps the input.
    static func require(
        _ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line
    ) {
        if !condition {
            FileHandle.standardError.write(Data("invariant broken: \(message())\n".utf8))
            fatalError("invariant broken at \(file):\(line)", file: file, line: line)
        }
    }

    /// True when `text` is one printable line: no line breaks or other control characters.
    static func isOneLine(_ text: String) -> Bool {
        !text.unicodeScalars.contains {
            $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}"
        }
    }
}
