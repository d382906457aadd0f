import CZlib
import Foundation

/// A minimal PNG encoder (8-bit greyscale or RGB, no filtering) over zlib, for embedding sample
/// images in SVG and HTML without external tools.
public enum PNG {
    /// Encodes `values` (`channels × height × width`, channel-major as tensors are, in [0, 1]).
    public static func encode(_ values: [Float], channels: Int, height: Int, width: Int) -> Data {
        let colour = channels >= 3
        let bytesPerPixel = colour ? 3 : 1
        var raw = [UInt8](repeating: 0, count: height * (1 + width * bytesPerPixel))
        for y in 0..<height {
            let row = y * (1 + width * bytesPerPixel)
            raw[row] = 0  // filter: none
            for x in 0..<width {
                for c in 0..<bytesPerPixel {
                    let v = values[(colour ? c : 0) * height * width + y * width + x]
                    raw[row + 1 + x * bytesPerPixel + c] = UInt8(Swift.max(0, Swift.min(255, (v * 255).rounded())))
                }
            }
        }
        var compressedLength = compressBound(uLong(raw.count))
        var compressed = [UInt8](repeating: 0, count: Int(compressedLength))
        _ = compress2(&compressed, &compressedLength, raw, uLong(raw.count), 9)
        var header = Data()
        header.append(bigEndian: UInt32(width)); header.append(bigEndian: UInt32(height))
        header.append(contentsOf: [8, colour ? 2 : 0, 0, 0, 0])
        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        png.append(chunk: "IHDR", header)
        png.append(chunk: "IDAT", Data(compressed.prefix(Int(compressedLength))))
        png.append(chunk: "IEND", Data())
        return png
    }
}

extension Data {
    mutating func append(bigEndian v: UInt32) { Swift.withUnsafeBytes(of: v.bigEndian) { append(contentsOf: $0) } }

    mutating func append(chunk type: String, _ payload: Data) {
        append(bigEndian: UInt32(payload.count))
        let typed = Data(type.utf8) + payload
        append(typed)
        let crc = typed.withUnsafeBytes { crc32(0, $0.bindMemory(to: Bytef.self).baseAddress, uInt($0.count)) }
        append(bigEndian: UInt32(crc))
    }
}
