import CKernels
import Foundation

/// SHA-256 (FIPS 180-4), for checking downloads and recording the provenance of data files.
public struct SHA256 {
    private var state: [UInt32] = [
        0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19,
    ]
    private var buffer: [UInt8] = []
    private var length: UInt64 = 0

    public init() {}

    public mutating func update(_ data: Data) { data.withUnsafeBytes { update(UnsafeRawBufferPointer($0)) } }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        length += UInt64(bytes.count)
        var offset = 0
        if !buffer.isEmpty {
            let take = Swift.min(64 - buffer.count, bytes.count)
            buffer += bytes[0..<take]; offset = take
            if buffer.count == 64 {
                buffer.withUnsafeBytes { compress($0.baseAddress!, blocks: 1) }; buffer.removeAll(keepingCapacity: true)
            }
        }
        let blocks = (bytes.count - offset) / 64
        if blocks > 0 { compress(bytes.baseAddress! + offset, blocks: blocks); offset += 64 * blocks }
        if offset < bytes.count { buffer += bytes[offset...] }
    }

    /// Processes `blocks` consecutive 64-byte blocks (in C: see sha256_blocks.h).
    private mutating func compress(_ start: UnsafeRawPointer, blocks: Int) {
        state.withUnsafeMutableBufferPointer {
            recombine_sha256_blocks($0.baseAddress!, start.assumingMemoryBound(to: UInt8.self), blocks)
        }
    }

    /// The digest as lowercase hex; ends the computation.
    public mutating func finalize() -> String {
        let bits = length * 8
        var tail: [UInt8] = [0x80]
        while (buffer.count + tail.count) % 64 != 56 { tail.append(0) }
        for i in (0..<8).reversed() { tail.append(UInt8((bits >> (8 * UInt64(i))) & 0xff)) }
        let saved = length
        tail.withUnsafeBytes { update($0) }
        length = saved
        return state.map { String(format: "%08x", $0) }.joined()
    }

    /// SHA-256 of `data` as hex.
    public static func hex(_ data: Data) -> String { var h = SHA256(); h.update(data); return h.finalize() }

    /// SHA-256 of a file as hex, read in 1 MiB blocks (the file is never held whole).
    public static func hex(ofFile path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw DataError("\(path): cannot read the file") }
        defer { try? handle.close() }
        var h = SHA256()
        do {
            while let block = try handle.read(upToCount: 1 << 20), !block.isEmpty { h.update(block) }
        } catch {
            throw DataError("\(path): cannot read the file (\(error.localizedDescription))")
        }
        return h.finalize()
    }
}
