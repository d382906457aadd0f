import Foundation
import RecombineData
import RecombineTestSupport
import XCTest

/// Deterministic transforms against torchvision's tensor implementation (when torchvision imports):
/// the largest pixel difference must stay within 1/255.
final class TorchvisionComparisonTests: XCTestCase {
    /// The image as JSON (`shape`, `pixels`) in a temporary file, for the torchvision script to read.
    static func writeForPython(_ image: FloatImage) throws -> URL {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tv-\(UUID().uuidString).json")
        try JSONSerialization.data(
            withJSONObject: ["shape": image.shape, "pixels": image.pixels.map(Double.init)]
        ).write(to: file)
        return file
    }

    func testDeterministicTransformsMatchTorchvision() throws {
        try PythonOracle.require(["torch", "torchvision"])
        var g = RandomGenerator(seed: 3)
        let (c, h, w) = (2, 11, 13)
        let pixels = (0..<(c * h * w)).map { _ in Float(g.nextDouble()) }
        let image = FloatImage(channels: c, height: h, width: w, pixels: pixels)
        let start = [(0.0, 0.0), (12.0, 0.0), (12.0, 10.0), (0.0, 10.0)],
            end = [(1.0, 2.0), (11.0, 0.0), (12.0, 9.0), (2.0, 10.0)]
        var unused = RandomGenerator(seed: 0)
        let ours: [String: FloatImage] = [
            "resize_up": Resize(size: (17, 20)).apply(image, &unused),
            "resize_down": Resize(size: (7, 9)).apply(image, &unused),
            "center_crop": CenterCrop(size: (6, 9)).apply(image, &unused),
            "normalize": Normalize(mean: [0.5, 0.25], std: [0.2, 0.4]).apply(image, &unused),
            "affine_nearest": RandomAffine.affine(image, angle: 17, translate: (2, -1), scale: 1.2, shear: (8, -5)),
            "affine_bilinear": RandomAffine.affine(
                image, angle: -30, translate: (1, 1), scale: 0.9, shear: (0, 0), bilinear: true),
            "perspective": RandomPerspective.perspective(image, from: start, to: end),
        ]
        let input = try Self.writeForPython(image)
        defer { try? FileManager.default.removeItem(at: input) }
        let script = """
            import json, sys, torch
            import torchvision.transforms.functional as F
            from torchvision.transforms import InterpolationMode as I
            d = json.load(open(sys.argv[1])); x = torch.tensor(d['pixels'], dtype=torch.float32).view(*d['shape'])
            out = {
              'resize_up': F.resize(x, [17, 20], interpolation=I.BILINEAR, antialias=False),
              'resize_down': F.resize(x, [7, 9], interpolation=I.BILINEAR, antialias=False),
              'center_crop': F.center_crop(x, [6, 9]),
              'normalize': F.normalize(x, [0.5, 0.25], [0.2, 0.4]),
              'affine_nearest': F.affine(x, angle=17.0, translate=[2, -1], scale=1.2, shear=[8.0, -5.0], interpolation=I.NEAREST),
              'affine_bilinear': F.affine(x, angle=-30.0, translate=[1, 1], scale=0.9, shear=[0.0, 0.0], interpolation=I.BILINEAR),
              'perspective': F.perspective(x, [[0, 0], [12, 0], [12, 10], [0, 10]], [[1, 2], [11, 0], [12, 9], [2, 10]], interpolation=I.BILINEAR),
            }
            print(json.dumps({k: {'shape': list(v.shape), 'pixels': v.flatten().tolist()} for k, v in out.items()}))
            """
        let output = try PythonOracle.run(script, arguments: [input.path])
        guard let theirs = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: [String: Any]] else {
            return XCTFail("the torchvision script failed")
        }
        for (name, mine) in ours.sorted(by: { $0.key < $1.key }) {
            let reference = theirs[name]!
            XCTAssertEqual(mine.shape, reference["shape"] as! [Int], name)
            let values = reference["pixels"] as! [Double]
            let worst = maxAbsoluteDifference(mine.pixels.map(Double.init), values)
            XCTAssertLessThanOrEqual(worst, 1.0 / 255, "\(name): max difference \(worst)")
        }
    }

    /// Histogram equalisation against torchvision's `F.equalize` on the same 8-bit levels, per channel, on an
    /// image large enough for the equalising step to be above zero and skewed towards dark levels.
    func testEqualizeMatchesTorchvisionLevelForLevel() throws {
        try PythonOracle.require(["torch", "torchvision"])
        var g = RandomGenerator(seed: 5)
        let (c, h, w) = (3, 32, 40)
        let pixels = (0..<(c * h * w)).map { i in Float(i % 7 == 0 ? 0 : pow(g.nextDouble(), 3)) }
        let image = FloatImage(channels: c, height: h, width: w, pixels: pixels)
        let ours = RandomEqualize.equalize(image)
        let input = try Self.writeForPython(image)
        defer { try? FileManager.default.removeItem(at: input) }
        let script = """
            import json, sys, torch
            import torchvision.transforms.functional as F
            d = json.load(open(sys.argv[1])); x = torch.tensor(d['pixels'], dtype=torch.float64).view(*d['shape'])
            levels = torch.round(x.clamp(0, 1) * 255).to(torch.uint8)
            print(json.dumps((F.equalize(levels).to(torch.float64) / 255).flatten().tolist()))
            """
        let theirs = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(try PythonOracle.run(script, arguments: [input.path]).utf8))
                as? [Double])
        XCTAssertEqual(theirs.count, ours.pixels.count)
        XCTAssertLessThanOrEqual(maxAbsoluteDifference(ours.pixels.map(Double.init), theirs), 1e-6)
        XCTAssertGreaterThan(
            maxAbsoluteDifference(ours.pixels.map(Double.init), pixels.map(Double.init)), 0.1,
            "the image was equalised, not returned as it was")
    }
}
