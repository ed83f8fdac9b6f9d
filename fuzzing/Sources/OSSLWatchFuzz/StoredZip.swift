import Foundation

/// A zip archive of uncompressed members, built in memory: the smallest wheel that carries an
/// input as a member, so the SBOM harness mutates JSON, not deflate streams.
enum StoredZip {
    static func archive(_ members: [(name: String, data: Data)]) -> Data {
        var output = Data()
        var directory = Data()
        for member in members {
            let name = Data(member.name.utf8)
            let crc = crc32(member.data)
            let offset = UInt32(output.count)
            output.append(le32(0x0403_4b50))
            output.append(le16(20) + le16(0) + le16(0) + le16(0) + le16(0x21))
            output.append(le32(crc) + le32(UInt32(member.data.count)) + le32(UInt32(member.data.count)))
            output.append(le16(UInt16(name.count)) + le16(0))
            output.append(name)
            output.append(member.data)
            directory.append(le32(0x0201_4b50) + le16(0x031e) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0x21))
            directory.append(le32(crc) + le32(UInt32(member.data.count)) + le32(UInt32(member.data.count)))
            directory.append(le16(UInt16(name.count)) + le16(0) + le16(0) + le16(0) + le16(0))
            directory.append(le32(0o100644 << 16) + le32(offset))
            directory.append(name)
        }
        let directoryOffset = UInt32(output.count)
        output.append(directory)
        output.append(le32(0x0605_4b50) + le16(0) + le16(0) + le16(UInt16(members.count)) + le16(UInt16(members.count)))
        output.append(le32(UInt32(directory.count)) + le32(directoryOffset) + le16(0))
        return output
    }

    private static func le16(_ value: UInt16) -> Data { withUnsafeBytes(of: value.littleEndian) { Data($0) } }
    private static func le32(_ value: UInt32) -> Data { withUnsafeBytes(of: value.littleEndian) { Data($0) } }

    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    static func crc32(_ data: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
