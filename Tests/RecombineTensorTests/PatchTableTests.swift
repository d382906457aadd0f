import XCTest

@testable import RecombineTensor

/// PatchTable's copies (through a padded image and a table of offsets) against the per-element definitions
/// of im2col and col2im, bit for bit, over ConvGeometryTests' geometries: strides 1–3, paddings past the
/// kernel, dilations and windows that overhang the image on either side.
final class PatchTableTests: XCTestCase {
    func testIm2colThroughThePaddedImageCopiesEachWindowElementAndZeroesThePadding() {
        for geo in ConvGeometryTests.geometries() {
            let image = (0..<(geo.channels * geo.height * geo.width)).map { Float($0) + 0.5 }
            let column0 = 3, ld = column0 + geo.positions + 2
            var cols = [Float](repeating: .nan, count: geo.patchSize * ld)
            let patches = PatchCopies<Float>(geo, table: PatchTable(geo), dtype: .float32)
            // Twice over the same worker's padded image: the second copy must not see the first's leftovers.
            for _ in 0..<2 {
                image.withUnsafeBufferPointer { img in
                    cols.withUnsafeMutableBufferPointer {
                        patches.im2col(img.baseAddress!, into: $0.baseAddress!, ld: ld, column0: column0)
                    }
                }
            }
            let mismatches = ConvGeometryTests.im2colMismatches(
                geo, image: image, cols: cols, ld: ld, column0: column0)
            XCTAssertEqual(mismatches, 0, "\(geo)")
        }
    }

    func testCol2imIntoZerosSumsEachWindowElementsColumnsInRowOrder() {
        var g = RandomGenerator(seed: 62)
        for geo in ConvGeometryTests.geometries() {
            let count = geo.channels * geo.height * geo.width, column0 = 2, ld = column0 + geo.positions + 1
            let cols = Tensor.normal([geo.patchSize * ld], generator: &g).to(.float32).toDoubleArray().map(Float.init)
            var expected = [Float](repeating: 0, count: count)
            for row in 0..<geo.patchSize {
                for position in 0..<geo.positions {
                    if let i = ConvGeometryTests.source(geo, row: row, position: position) {
                        expected[i] += cols[row * ld + column0 + position]
                    }
                }
            }
            let patches = PatchCopies<Float>(geo, table: PatchTable(geo), dtype: .float32)
            // Interleaved with an im2col on the same worker, as the backward pass does, twice.
            let image = [Float](repeating: 1, count: count)
            var scratchCols = [Float](repeating: 0, count: geo.patchSize * ld)
            for round in 0..<2 {
                image.withUnsafeBufferPointer { img in
                    scratchCols.withUnsafeMutableBufferPointer {
                        patches.im2col(img.baseAddress!, into: $0.baseAddress!, ld: ld, column0: column0)
                    }
                }
                var sums = [Float](repeating: 0, count: count)
                cols.withUnsafeBufferPointer { c in
                    sums.withUnsafeMutableBufferPointer {
                        patches.col2imIntoZeros(c.baseAddress!, ld: ld, column0: column0, into: $0.baseAddress!)
                    }
                }
                // NaN never equals.
                XCTAssertEqual(zip(sums, expected).filter { $0 != $1 }.count, 0, "\(geo), round \(round)")
            }
        }
    }

    func testOnlyStridedOrDilatedWindowsTakeTheTable() {
        func geometry(stride: (Int, Int), dilation: (Int, Int)) -> ConvGeometry {
            ConvGeometry(
                channels: 1, height: 9, width: 9, kernel: (3, 3), stride: stride, padding: (1, 1), dilation: dilation)
        }
        XCTAssertFalse(PatchTable.pays(for: geometry(stride: (1, 1), dilation: (1, 1))))
        XCTAssertTrue(PatchTable.pays(for: geometry(stride: (2, 2), dilation: (1, 1))))
        XCTAssertTrue(PatchTable.pays(for: geometry(stride: (1, 3), dilation: (1, 1))))
        XCTAssertTrue(PatchTable.pays(for: geometry(stride: (1, 1), dilation: (2, 1))))
    }
}
