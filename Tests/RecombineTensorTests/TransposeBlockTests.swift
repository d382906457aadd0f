import XCTest

@testable import RecombineTensor

/// `transposeBlock` (transpose.c) moves whole vector tiles and the rest element by element; with a bias it adds
/// each column's bias as a separate pass would. Every split between tiles and remainders, strides wider than
/// the rows, and both precisions must give exactly the element-by-element transpose.
final class TransposeBlockTests: XCTestCase {
    func testTransposeMovesEveryElementAndAddsTheColumnBiasExactly() {
        let sizes = [1, 3, 4, 7, 8, 9, 13, 16, 36, 400]
        for rows in sizes {
            for columns in sizes where rows * columns <= 4000 {
                check(Float.self, rows: rows, columns: columns)
                check(Double.self, rows: rows, columns: columns)
            }
        }
    }

    private func check<S: TensorScalar>(_: S.Type, rows: Int, columns: Int) {
        let sourceStride = columns + 3, destinationStride = rows + 5
        let source = (0..<(rows * sourceStride)).map { S(($0 * 37) % 101) / 7 - 5 }
        let bias = (0..<columns).map { S($0) / 3 + 0.1 }
        for withBias in [false, true] {
            let sentinel = S(-1234.5)
            var destination = [S](repeating: sentinel, count: columns * destinationStride)
            source.withUnsafeBufferPointer { src in
                bias.withUnsafeBufferPointer { b in
                    destination.withUnsafeMutableBufferPointer { dst in
                        transposeBlock(
                            src.baseAddress!, rows: rows, columns: columns, sourceStride: sourceStride,
                            into: dst.baseAddress!, destinationStride: destinationStride,
                            columnBias: withBias ? b.baseAddress! : nil)
                    }
                }
            }
            let label = "\(S.self) \(rows)×\(columns) bias \(withBias)"
            for c in 0..<columns {
                for r in 0..<destinationStride {
                    let got = destination[c * destinationStride + r]
                    if r >= rows {
                        XCTAssertEqual(got, sentinel, "\(label): wrote past row \(rows)")
                        continue
                    }
                    var expected = source[r * sourceStride + c]
                    if withBias { expected += bias[c] }
                    guard got == expected else {
                        return XCTFail("\(label): [\(c), \(r)] is \(got), expected \(expected)")
                    }
                }
            }
        }
    }
}
