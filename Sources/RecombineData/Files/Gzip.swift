import CZlib
import Foundation

/// gzip (and zlib) decompression through zlib, streamed in 1 MiB blocks.
public enum Gzip {
    /// Whether `data` starts with the gzip magic bytes.
    public static func isCompressed(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1f && data[data.startIndex + 1] == 0x8b
    }

    /// The decompressed bytes; `file` names the source in errors (e.g. a truncated download).
    public static func decompress(_ data: Data, file: String) throws -> Data {
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataError("\(file): cannot initialise zlib")
        }
        defer { inflateEnd(&stream) }
        var output = Data()
        let blockSize = 1 << 20
        var block = [UInt8](repeating: 0, count: blockSize)
        var status: Int32 = Z_OK
        try data.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
            stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(input.count)
            repeat {
                try block.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(blockSize)
                    status = inflate(&stream, Z_NO_FLUSH)
                    guard status == Z_OK || status == Z_STREAM_END else {
                        let reason = stream.msg.map { String(cString: $0) } ?? "code \(status)"
                        throw DataError("\(file): corrupt gzip data (\(reason))")
                    }
                    output.append(out.baseAddress!, count: blockSize - Int(stream.avail_out))
                }
            } while status != Z_STREAM_END && (stream.avail_in > 0 || stream.avail_out == 0)
        }
        guard status == Z_STREAM_END else {
            throw DataError("\(file): truncated gzip data (the file ends before the compressed stream does)")
        }
        return output
    }

    /// The file's bytes, decompressed when it is gzip.
    public static func readFile(_ path: String) throws -> Data {
        let data = try FileContents.read(path)
        return isCompressed(data) ? try decompress(data, file: path) : data
    }
}
