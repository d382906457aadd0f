import Foundation

/// The IDX format of MNIST-style files: magic 0x0000 08 <rank>, big-endian dimension sizes, then
/// unsigned bytes.
public struct IDXArray: Sendable {
    public let dimensions: [Int]
    public let bytes: [UInt8]

    /// Parses IDX data of unsigned bytes (type 0x08), validating magic, rank and size.
    public init(_ data: [UInt8], file: String) throws {
        guard data.count >= 4 else { throw DataError("\(file): too short to be an IDX file (\(data.count) bytes)") }
        guard data[0] == 0, data[1] == 0 else {
            throw DataError(
                "\(file): not an IDX file (bad magic number \(data.prefix(4).map { String(format: "%02x", $0) }.joined()))"
            )
        }
        guard data[2] == 0x08 else {
            throw DataError(
                "\(file): IDX element type 0x\(String(format: "%02x", data[2])) is not supported (expected 0x08, unsigned bytes)"
            )
        }
        let rank = Int(data[3])
        guard rank >= 1, data.count >= 4 + 4 * rank else {
            throw DataError("\(file): IDX header declares \(rank) dimensions but the file is too short")
        }
        var dims: [Int] = []
        for d in 0..<rank {
            let o = 4 + 4 * d
            dims.append(Int(data[o]) << 24 | Int(data[o + 1]) << 16 | Int(data[o + 2]) << 8 | Int(data[o + 3]))
        }
        let expected = dims.reduce(1, *), header = 4 + 4 * rank
        guard data.count - header == expected else {
            throw DataError(
                "\(file): IDX header declares \(dims.map(String.init).joined(separator: "×")) = \(expected) values, but the file holds \(data.count - header)"
            )
        }
        dimensions = dims
        bytes = Array(data[header...])
    }

    /// Reads an IDX file, gzip-compressed or not.
    public static func read(_ path: String) throws -> IDXArray {
        try IDXArray(Array(try Gzip.readFile(path)), file: path)
    }
}
