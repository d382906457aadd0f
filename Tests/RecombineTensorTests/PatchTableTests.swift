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

    /// Geometries whose windows move two columns per output (patch_copies.c's im2col): output rows of 1 to 17
    /// elements around the kernel's vector widths (2, 4 and 8), kernel widths, dilations and paddings that make
    /// the last vector reach the padded row's end.
    static func columnStepTwoGeometries() -> [ConvGeometry] {
        var result: [ConvGeometry] = []
        for width in [1, 2, 3, 5, 7, 8, 9, 12, 15, 16, 17, 28, 29, 33] {
            for kernelW in 1...5 {
                for padW in 0...2 {
                    for dilationW in [1, 2] {
                        for (strideH, height) in [(1, 4), (2, 7), (3, 9)] {
                            let geo = ConvGeometry(
                                channels: 2, height: height, width: width, kernel: (3, kernelW), stride: (strideH, 2),
                                padding: (1, padW), dilation: (1, dilationW))
                            if geo.outH > 0 && geo.outW > 0 { result.append(geo) }
                        }
                    }
                }
            }
        }
        return result
    }

    func testColumnStepTwoCopiesAndSumsMatchTheDefinitionsInBothPrecisions() {
        let cases = Self.columnStepTwoGeometries()
        XCTAssertGreaterThan(cases.count, 500)
        XCTAssertTrue(Set(1...17).isSubset(of: Set(cases.map(\.outW))), "every output row length from 1 to 17")
        for geo in cases {
            XCTAssertTrue(PatchTable(geo).columnStepTwo)
            XCTAssertEqual(Self.columnStepTwoMismatches(geo, Float.self), 0, "float32 \(geo)")
            XCTAssertEqual(Self.columnStepTwoMismatches(geo, Double.self), 0, "float64 \(geo)")
        }
    }

    /// Elements of im2col and col2im through PatchCopies that differ from the definitions (NaN counts as a
    /// difference), including columns outside the written range that were touched.
    static func columnStepTwoMismatches<S: TensorScalar & BinaryFloatingPoint>(_ geo: ConvGeometry, _: S.Type) -> Int {
        let count = geo.channels * geo.height * geo.width, column0 = 3, ld = column0 + geo.positions + 2
        let image = (0..<count).map { S($0) * S(0.25) - S(7) }
        let patches = PatchCopies<S>(geo, table: PatchTable(geo), dtype: S.self == Float.self ? .float32 : .float64)
        var mismatches = 0
        var cols = [S](repeating: .nan, count: geo.patchSize * ld)
        image.withUnsafeBufferPointer { img in
            cols.withUnsafeMutableBufferPointer {
                patches.im2col(img.baseAddress!, into: $0.baseAddress!, ld: ld, column0: column0)
            }
        }
        for row in 0..<geo.patchSize {
            for column in 0..<ld {
                let position = column - column0
                guard position >= 0, position < geo.positions else {
                    if !cols[row * ld + column].isNaN { mismatches += 1 }
                    continue
                }
                let expected = ConvGeometryTests.source(geo, row: row, position: position).map { image[$0] } ?? 0
                if cols[row * ld + column] != expected { mismatches += 1 }
            }
        }
        // Sums: columns that are not exact in binary, so the order of the additions shows.
        let terms = (0..<(geo.patchSize * ld)).map { S(1) / S($0 % 97 + 3) }
        var expected = [S](repeating: 0, count: count)
        for row in 0..<geo.patchSize {
            for position in 0..<geo.positions {
                if let i = ConvGeometryTests.source(geo, row: row, position: position) {
                    expected[i] += terms[row * ld + column0 + position]
                }
            }
        }
        var sums = [S](repeating: .nan, count: count)
        terms.withUnsafeBufferPointer { t in
            sums.withUnsafeMutableBufferPointer {
                patches.col2imIntoZeros(t.baseAddress!, ld: ld, column0: column0, into: $0.baseAddress!)
            }
        }
        mismatches += zip(sums, expected).filter { $0 != $1 }.count
        return mismatches
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
