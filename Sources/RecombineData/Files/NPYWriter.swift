import Foundation

/// NumPy `.npy` files (format 1.0) of little-endian float32 in C order, as `numpy.load` reads them.
public enum NPYWriter {
    /// The bytes of an `.npy` file holding `values` (row-major) with `shape`.
    /// `values.count` must equal the product of `shape`; a mismatch is reported, not written.
    public static func float32(_ values: [Float], shape: [Int]) throws -> Data {
        guard !shape.isEmpty, shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == values.count else {
            throw DataError(".npy: \(values.count) values do not fill an array of shape \(shape)")
        }
        let dimensions =
            shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(dimensions), }"
        // Magic (6) + version (2) + header length (2) + header, padded with spaces to a multiple of 64, ending in a newline.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        data.reserveCapacity(data.count + 4 * values.count)
        for value in values {
            let bits = value.bitPattern.littleEndian
            withUnsafeBytes(of: bits) { data.append(contentsOf: $0) }
        }
        return data
    }
}
