import CImageDecoding
import Foundation

/// One decoded PNG or JPEG: 8-bit samples, rows top to bottom, channels interleaved (1 gray, 3 RGB).
public struct DecodedImage: Sendable {
    public let width: Int, height: Int, channels: Int
    public let pixels: [UInt8]

    /// The image as planar bytes [channels, height, width]: gray copied into three channels, RGB turned
    /// into gray with PIL's convert("L") weights (ITU-R 601-2: 0.299 R + 0.587 G + 0.114 B, rounded).
    public func planar(channels wanted: Int) -> [UInt8] {
        let plane = width * height
        var out = [UInt8](repeating: 0, count: wanted * plane)
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for i in 0..<plane {
                    if channels == 1 {
                        for c in 0..<wanted { dst[c * plane + i] = src[i] }
                    } else if wanted == 3 {
                        for c in 0..<3 { dst[c * plane + i] = src[3 * i + c] }
                    } else {
                        let r = UInt32(src[3 * i]), g = UInt32(src[3 * i + 1]), b = UInt32(src[3 * i + 2])
                        dst[i] = UInt8((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16)
                    }
                }
            }
        }
        return out
    }
}

/// Reads PNG and JPEG files through libpng and libjpeg-turbo (the format is told by the file's first
/// bytes, not its name). Every failure is a `DataError` naming the file.
public enum ImageFile {
    /// File name extensions read as images.
    public static let readableExtensions: Set<String> = ["png", "jpg", "jpeg"]
    /// Extensions of image formats that are recognised but not read (an error, or skipped on request).
    public static let unsupportedExtensions: Set<String> = [
        "bmp", "gif", "tif", "tiff", "webp", "ppm", "pgm", "pbm", "pnm", "heic", "heif", "avif", "jp2", "ico", "tga",
    ]

    public static func decode(_ path: String) throws -> DecodedImage {
        let data = try FileContents.read(path)
        return try decode(data, file: path)
    }

    /// Decodes `data`, the bytes of `file` (named in errors).
    public static func decode(_ data: Data, file: String) throws -> DecodedImage {
        guard !data.isEmpty else { throw DataError("\(file): the file is empty, expected a PNG or JPEG image") }
        let bytes = [UInt8](data)
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        let isPNG = bytes.starts(with: png), isJPEG = bytes.starts(with: [0xFF, 0xD8, 0xFF])
        guard isPNG || isJPEG else {
            let start = bytes.prefix(8).map { String(format: "%02x", $0) }.joined(separator: " ")
            throw DataError("\(file): not a PNG or JPEG image (the file starts with bytes \(start))")
        }
        var image = recombine_image()
        let status = bytes.withUnsafeBufferPointer { p in
            isPNG
                ? recombine_decode_png(p.baseAddress, p.count, &image)
                : recombine_decode_jpeg(p.baseAddress, p.count, &image)
        }
        defer { recombine_image_free(&image) }
        guard status == 0, let pixels = image.pixels else {
            let reason = withUnsafeBytes(of: image.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            throw DataError(
                "\(file): cannot decode the \(isPNG ? "PNG" : "JPEG") image (\(isPNG ? "libpng" : "libjpeg"): \(reason))"
            )
        }
        let (w, h, c) = (Int(image.width), Int(image.height), Int(image.channels))
        guard w > 0, h > 0 else { throw DataError("\(file): the image has no pixels (\(w)×\(h))") }
        return DecodedImage(
            width: w, height: h, channels: c, pixels: Array(UnsafeBufferPointer(start: pixels, count: w * h * c)))
    }
}
