import XCTest

@testable import RecombineTensor

/// ConvGeometry's im2col and col2im against their per-element definitions (patch row (c, ki, kj), output
/// position (oh, ow) reads input (oh·sH + ki·dH − pH, ow·sW + kj·dW − pW), zero outside), bit for bit, over
/// strides 1–3, paddings past the kernel, dilations and windows that overhang the image on either side.
final class ConvGeometryTests: XCTestCase {
    static func geometries() -> [ConvGeometry] {
        var result: [ConvGeometry] = []
        for (height, width) in [(7, 9), (28, 28), (5, 4)] {
            for kernel in [(1, 1), (3, 2), (4, 4), (5, 5)] {
                for stride in [(1, 1), (2, 2), (1, 3), (3, 2)] {
                    for padding in [(0, 0), (2, 1), (0, 6)] {
                        for dilation in [(1, 1), (2, 1)] {
                            let geo = ConvGeometry(
                                channels: 2, height: height, width: width, kernel: kernel, stride: stride,
                                padding: padding, dilation: dilation)
                            if geo.outH > 0 && geo.outW > 0 { result.append(geo) }
                        }
                    }
                }
            }
        }
        return result
    }

    /// The input element that patch row `row`, output position `position` reads, or nil in the padding.
    static func source(_ geo: ConvGeometry, row: Int, position: Int) -> Int? {
        let c = row / (geo.kernelH * geo.kernelW), ki = row / geo.kernelW % geo.kernelH, kj = row % geo.kernelW
        let ih = position / geo.outW * geo.strideH + ki * geo.dilationH - geo.padH
        let iw = position % geo.outW * geo.strideW + kj * geo.dilationW - geo.padW
        guard ih >= 0, ih < geo.height, iw >= 0, iw < geo.width else { return nil }
        return (c * geo.height + ih) * geo.width + iw
    }

    /// Elements of `cols` (NaN before im2col) that differ from the patches of `image`, or that lie outside columns
    /// column0 ..< column0 + positions and were touched.
    static func im2colMismatches(_ geo: ConvGeometry, image: [Float], cols: [Float], ld: Int, column0: Int) -> Int {
        var mismatches = 0
        for row in 0..<geo.patchSize {
            for position in 0..<geo.positions {
                let expected = source(geo, row: row, position: position).map { image[$0] } ?? 0
                if cols[row * ld + column0 + position] != expected { mismatches += 1 }  // NaN never equals
            }
            for column in Array(0..<column0) + Array((column0 + geo.positions)..<ld)
            where !cols[row * ld + column].isNaN {
                mismatches += 1
            }
        }
        return mismatches
    }

    func testIm2colCopiesEachWindowElementAndZeroesThePadding() {
        let cases = Self.geometries()
        XCTAssertGreaterThan(cases.count, 200)
        for geo in cases {
            let image = (0..<(geo.channels * geo.height * geo.width)).map { Float($0) + 0.5 }
            let column0 = 3, ld = column0 + geo.positions + 2
            var cols = [Float](repeating: .nan, count: geo.patchSize * ld)
            image.withUnsafeBufferPointer { img in
                cols.withUnsafeMutableBufferPointer {
                    geo.im2col(img.baseAddress!, into: $0.baseAddress!, ld: ld, column0: column0)
                }
            }
            XCTAssertEqual(Self.im2colMismatches(geo, image: image, cols: cols, ld: ld, column0: column0), 0, "\(geo)")
        }
    }

    func testCol2imAddsEachColumnIntoItsWindowElementInRowOrder() {
        var g = RandomGenerator(seed: 61)
        for geo in Self.geometries() {
            let count = geo.channels * geo.height * geo.width, column0 = 2, ld = column0 + geo.positions + 1
            let start = Tensor.normal([count], generator: &g).to(.float32).toDoubleArray().map(Float.init)
            let cols = Tensor.normal([geo.patchSize * ld], generator: &g).to(.float32).toDoubleArray().map(Float.init)
            var expected = start
            for row in 0..<geo.patchSize {
                for position in 0..<geo.positions {
                    if let i = Self.source(geo, row: row, position: position) {
                        expected[i] += cols[row * ld + column0 + position]
                    }
                }
            }
            var image = start
            cols.withUnsafeBufferPointer { c in
                image.withUnsafeMutableBufferPointer {
                    geo.col2im(c.baseAddress!, ld: ld, column0: column0, into: $0.baseAddress!)
                }
            }
            let mismatches = zip(image, expected).filter { $0 != $1 }.count  // NaN never equals
            XCTAssertEqual(mismatches, 0, "\(geo)")
        }
    }
}
