import Foundation
import XCTest

@testable import RecombineData

final class FloatImageTests: XCTestCase {
    /// `resampled` reads the image through buffer pointers; every output pixel must be, bit for bit, the
    /// per-sample `bilinear` or `nearest` value at the mapped position (`fill` where the map gives none),
    /// including positions past every edge and an output of another size than the input.
    func testResampledEqualsThePerSampleBilinearAndNearestValuesBitForBit() {
        var g = RandomGenerator(seed: 11)
        let image = FloatImage(
            channels: 3, height: 9, width: 11, pixels: (0..<(3 * 9 * 11)).map { _ in Float(g.nextDouble()) })
        let outHeight = 7, outWidth = 13, fill: Float = 0.25
        // Positions from 2.5 pixels before the first row and column to 2.5 past the last; every ninth pixel
        // has no source position.
        func source(_ y: Double, _ x: Double) -> (Double, Double)? {
            if (Int(y) * outWidth + Int(x)) % 9 == 4 { return nil }
            let sy = -2.5 + y * (Double(image.height) + 4) / Double(outHeight - 1) + 0.37 * sin(x)
            let sx = -2.5 + x * (Double(image.width) + 4) / Double(outWidth - 1) - 0.29 * cos(y)
            return (sy, sx)
        }
        var outside = 0
        for useBilinear in [true, false] {
            let out = image.resampled(
                outHeight: outHeight, outWidth: outWidth, bilinear: useBilinear, fill: fill, source)
            XCTAssertEqual(out.shape, [3, outHeight, outWidth])
            for c in 0..<3 {
                for y in 0..<outHeight {
                    for x in 0..<outWidth {
                        var expected = fill
                        if let (sy, sx) = source(Double(y), Double(x)) {
                            expected =
                                useBilinear
                                ? image.bilinear(c, sy, sx, fill: fill) : image.nearest(c, sy, sx, fill: fill)
                            if sy < 0 || sx < 0 || sy > Double(image.height - 1) || sx > Double(image.width - 1) {
                                outside += 1
                            }
                        }
                        XCTAssertEqual(
                            out[c, y, x].bitPattern, expected.bitPattern,
                            "channel \(c), pixel (\(y), \(x)), bilinear \(useBilinear): \(out[c, y, x]) vs \(expected)")
                    }
                }
            }
        }
        XCTAssertGreaterThan(outside, 20, "the map should reach past the edges")
    }

    /// The library-free floor and round-half-to-even give `Int(v.rounded(.down))` and
    /// `Int(v.rounded(.toNearestOrEven))` for integers, halves, values next to them, signed zeros and
    /// random values of every magnitude a pixel position takes.
    func testFloorAndRoundHalfEvenToIntEqualTheLibraryRounding() {
        var values: [Double] = [0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 1e-300, -1e-300, 4503599627370496.5]
        for k in -40...40 {
            let v = Double(k) / 2
            values += [v, v.nextUp, v.nextDown, v + 1e-12, v - 1e-12]
        }
        values += [-0.5.nextUp, (-0.5).nextUp.nextUp, 0.5.nextDown, 0.5.nextUp, -1e15 - 0.5, 1e15 + 0.5]
        var g = RandomGenerator(seed: 5)
        for _ in 0..<20000 { values.append((g.nextDouble() - 0.5) * pow(10, Double(g.nextInt(below: 8)))) }
        for v in values {
            XCTAssertEqual(FloatImage.floorToInt(v), Int(v.rounded(.down)), "floor of \(v)")
            XCTAssertEqual(FloatImage.roundHalfEvenToInt(v), Int(v.rounded(.toNearestOrEven)), "round of \(v)")
        }
    }
}
