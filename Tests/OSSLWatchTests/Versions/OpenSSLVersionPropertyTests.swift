import OSSLWatch
import OSSLWatchCore
import PropertyBased
import Testing

/// Ordering laws checked over generated versions from every era, with small number ranges so
/// equal and neighbouring versions come up often.
@Suite struct OpenSSLVersionPropertyTests {
    static let letterRuns: [String] = {
        let alphabet = "abcdefghijklmnopqrstuvwxyz".map { String($0) }
        return [""] + alphabet + alphabet.map { "z" + $0 }
    }()

    static let versions = zip(
        Gen.int(in: 0...3), Gen.int(in: 0...3), Gen.int(in: 0...3), Gen.int(in: 0...(letterRuns.count - 1)),
        Gen.int(in: 0...5)
    )
    .compactMap { (parts: (Int, Int, Int, Int, Int)) -> OpenSSLVersion? in
        let (era, minor, patch, letterIndex, stage) = parts
        if era == 0 {
            return OpenSSLVersion(major: 1, minor: minor % 2, patch: patch, letters: letterRuns[letterIndex])
        }
        let prerelease: OpenSSLVersion.Prerelease? =
            switch stage {
            case 0: .init(stage: .alpha, number: 1 + letterIndex % 3)
            case 1: .init(stage: .beta, number: 1 + letterIndex % 3)
            default: nil
            }
        return OpenSSLVersion(major: 2 + era, minor: minor * 3, patch: patch, prerelease: prerelease)
    }

    static let junk = Gen<Character?>.element(of: Array("0123456789.-_ abeltzhOpnS$();\n") as [Character])
        .compactMap { $0 }.string(of: 0...20)

    @Test("no version is less than itself")
    func irreflexive() async {
        await propertyCheck(count: 300, input: Self.versions) { version in
            #expect(!(version < version))
        }
    }

    @Test("exactly one of <, == and > holds for any pair, and < is antisymmetric")
    func totalAndAntisymmetric() async {
        await propertyCheck(count: 500, input: Self.versions, Self.versions) { left, right in
            let relations = [left < right, left == right, right < left].filter { $0 }
            #expect(relations.count == 1, "\(left) vs \(right)")
            if left < right { #expect(!(right < left)) }
        }
    }

    @Test("< is transitive")
    func transitive() async {
        await propertyCheck(count: 500, input: Self.versions, Self.versions, Self.versions) { first, second, third in
            if first < second && second < third {
                #expect(first < third, "\(first) < \(second) < \(third)")
            }
        }
    }

    @Test("equal versions hash alike and print alike; different ones print differently")
    func equalityMatchesHashAndDescription() async {
        await propertyCheck(count: 500, input: Self.versions, Self.versions) { left, right in
            #expect((left == right) == (left.description == right.description))
            if left == right { #expect(left.hashValue == right.hashValue) }
        }
    }

    @Test("description, tag and version text all parse back to the same version")
    func roundTrips() async {
        await propertyCheck(count: 300, input: Self.versions) { version in
            #expect(OpenSSLVersion.parse(bare: version.description) == version)
            #expect(OpenSSLVersion.parse(tag: version.tag) == version)
            #expect(OpenSSLVersion.parse(text: "OpenSSL \(version) 30 Sep 2025") == version)
            #expect(OpenSSLVersion(version.tag) == version)
        }
    }

    @Test("sorting gives one order whatever the input order")
    func sortIsOrderIndependent() async {
        await propertyCheck(count: 200, input: Self.versions.array(of: 0...25)) { list in
            let sorted = list.sorted()
            #expect(list.shuffled().sorted() == sorted)
            #expect(list.reversed().sorted() == sorted)
            #expect(zip(sorted, sorted.dropFirst()).allSatisfy { $0 <= $1 })
        }
    }

    @Test("any string the bare parser accepts is already canonical")
    func acceptedStringsAreCanonical() async {
        await propertyCheck(count: 1000, input: Self.junk) { text in
            if let version = OpenSSLVersion.parse(bare: text) {
                #expect(version.description == text)
            }
            if let version = OpenSSLVersion.parse(tag: text) {
                #expect(version.tag == text)
            }
            #expect(OpenSSLVersion(text) == nil || !text.contains(where: { "$();\n".contains($0) }))
        }
    }
}
