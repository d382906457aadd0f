import Foundation
import RecombineData
import RecombineTestSupport
import XCTest

/// MNIST test digits written as PNG/JPEG files by Scripts/idx-to-image-folder, read back as an
/// ImageFolder and compared with the IDX files they came from; damaged files; layouts and order.
final class ImageFolderTests: XCTestCase {
    static let imagesFile = "mnist/t10k-images-idx3-ubyte.gz"
    static let labelsFile = "mnist/t10k-labels-idx1-ubyte.gz"

    /// Writes the first `count` MNIST test digits into `folder` (class folders unless `flat`).
    static func writeDigits(_ count: Int, to folder: String, format: String = "png", flat: Bool = false) throws {
        try Repository.requireData(imagesFile)
        try runProcess(
            [
                "python3", Repository.scripts.appendingPathComponent("idx-to-image-folder").path, "--data-root",
                Repository.dataRoot,
                "--count", String(count), "--format", format, "--output", folder,
            ] + (flat ? ["--flat"] : []))
    }

    static func idxDigits() throws -> ImageDataset {
        try ImageDataset(
            name: "idx", imagesFile: Repository.requireData(imagesFile), labelsFile: Repository.requireData(labelsFile))
    }

    /// The MNIST index a file written by the script stands for (its name).
    static func index(of file: String) -> Int {
        Int(((file as NSString).lastPathComponent as NSString).deletingPathExtension)!
    }

    func testPNGFolderHoldsTheIDXDigitsExactlyWithLabelsFromFolderNames() throws {
        let folder = try TemporaryDirectory(); defer { folder.remove() }
        try Self.writeDigits(120, to: folder.path)
        let data = try ImageFolderDataset(name: "digits", path: folder.path)
        let idx = try Self.idxDigits()
        XCTAssertEqual(data.count, 120)
        XCTAssertEqual(data.sampleShape, [1, 28, 28])
        XCTAssertEqual(data.labelNames, (0..<10).map(String.init))
        XCTAssertEqual(data.files, data.files.sorted(), "class folders, then files, in sorted order")
        for (i, file) in data.files.enumerated() {
            let n = Self.index(of: file)
            XCTAssertEqual(data.labels?[i], idx.labels?[n], file)
            XCTAssertEqual(data.batch([i]).toFloatArray(), idx.batch([n]).toFloatArray(), file)
        }
        let flat = try TemporaryDirectory(); defer { flat.remove() }
        try Self.writeDigits(30, to: flat.path, flat: true)
        let unlabelled = try ImageFolderDataset(name: "flat", path: flat.path)
        XCTAssertNil(unlabelled.labels); XCTAssertNil(unlabelled.labelNames)
        XCTAssertEqual(unlabelled.batch(Array(0..<30)).toFloatArray(), idx.batch(Array(0..<30)).toFloatArray())
    }

    func testJPEGFolderMatchesIDXWithinJPEGLossAndPillowsDecoding() throws {
        try PythonOracle.require(["PIL", "numpy"])
        let folder = try TemporaryDirectory(); defer { folder.remove() }
        try Self.writeDigits(60, to: folder.path, format: "jpeg")
        let data = try ImageFolderDataset(name: "digits", path: folder.path)
        let idx = try Self.idxDigits()
        XCTAssertEqual(data.count, 60)
        let ours = data.batch(Array(0..<60)).toFloatArray()
        let original = idx.batch(data.files.map(Self.index)).toFloatArray()
        let differences = zip(ours, original).map { abs($0 - $1) }
        XCTAssertLessThan(
            differences.reduce(0, +) / Float(differences.count), 3 / 255, "mean difference from the IDX digits")
        // The first 60 digits hold no 8: labels number the folders present, so folder "9" is label 8 (as torchvision).
        XCTAssertEqual(data.labelNames, ["0", "1", "2", "3", "4", "5", "6", "7", "9"])
        XCTAssertEqual(
            data.labels?.map { data.labelNames![$0] }, data.files.map { String(idx.labels![Self.index(of: $0)]) })
        let pillow = try PythonOracle.run(
            """
            import json, sys, numpy as np
            from PIL import Image
            print(json.dumps([int(v) for f in sys.argv[2:] for v in np.asarray(Image.open(sys.argv[1] + '/' + f).convert('L')).ravel()]))
            """, arguments: [folder.path] + data.files)
        let theirs = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(pillow.utf8)) as? [Int])
        let worst = zip(ours, theirs).map { abs($0 * 255 - Float($1)) }.max() ?? .infinity
        XCTAssertLessThanOrEqual(worst, 1.01, "largest difference from Pillow's decoding, in levels of 255")
    }

    /// PNG colour types and JPEG colour spaces Pillow writes, decoded as Pillow's convert("L"/"RGB").
    func testColourModesDecodeAsPillowConvertsThem() throws {
        try PythonOracle.require(["PIL", "numpy"])
        let folder = try TemporaryDirectory(); defer { folder.remove() }
        let expected = try PythonOracle.run(
            """
            import json, sys, numpy as np
            from PIL import Image
            folder = sys.argv[1]; rng = np.random.default_rng(5)
            rgb = Image.fromarray(rng.integers(0, 256, (7, 9, 3), dtype=np.uint8), 'RGB')
            gray = Image.fromarray(rng.integers(0, 256, (7, 9), dtype=np.uint8), 'L')
            images = {
              'gray.png': gray, 'rgb.png': rgb,
              'rgba.png': Image.fromarray(rng.integers(0, 256, (7, 9, 4), dtype=np.uint8), 'RGBA'),
              'gray_alpha.png': Image.fromarray(rng.integers(0, 256, (7, 9, 2), dtype=np.uint8), 'LA'),
              'palette.png': rgb.quantize(16),
              'bilevel.png': gray.convert('1'),
              'gray.jpg': gray, 'rgb.jpg': rgb,
            }
            out = {}
            for name, image in images.items():
                image.save(folder + '/' + name, **({'quality': 90} if name.endswith('.jpg') else {}))
                mode = 'L' if image.mode in ('L', 'LA', '1') else 'RGB'
                back = np.asarray(Image.open(folder + '/' + name).convert(mode))
                out[name] = {'channels': 1 if mode == 'L' else 3, 'pixels': [int(v) for v in back.ravel()]}
            Image.fromarray(rng.integers(0, 256, (7, 9, 4), dtype=np.uint8), 'CMYK').save(folder + '/cmyk.jpeg')
            out['rgb_as_gray'] = [int(v) for v in np.asarray(Image.open(folder + '/rgb.png').convert('L')).ravel()]
            print(json.dumps(out))
            """, arguments: [folder.path])
        var cases = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(expected.utf8)) as? [String: Any])
        let gray = try XCTUnwrap(cases.removeValue(forKey: "rgb_as_gray") as? [Int])
        XCTAssertEqual(
            try ImageFile.decode(folder.appending("rgb.png").path).planar(channels: 1).map(Int.init), gray,
            "RGB to gray as PIL's convert(\"L\")")
        XCTAssertEqual(cases.count, 8)
        XCTAssertThrowsError(try ImageFile.decode(folder.appending("cmyk.jpeg").path)) { error in
            XCTAssertTrue(
                "\(error)".contains(
                    "cmyk.jpeg: cannot decode the JPEG image (libjpeg: CMYK JPEG files are not supported"), "\(error)")
        }
        for (name, value) in cases.sorted(by: { $0.key < $1.key }) {
            let reference = try XCTUnwrap(value as? [String: Any])
            let image = try ImageFile.decode(folder.appending(name).path)
            XCTAssertEqual([image.height, image.width, image.channels], [7, 9, reference["channels"] as! Int], name)
            let theirs = reference["pixels"] as! [Int]
            let worst = zip(image.pixels, theirs).map { abs(Int($0) - $1) }.max() ?? 0
            XCTAssertLessThanOrEqual(worst, name.hasSuffix(".jpg") ? 1 : 0, name)
        }
    }

    func testSixteenBitPNGIsScaledToEightBits() throws {
        try PythonOracle.require(["PIL", "numpy"])
        let folder = try TemporaryDirectory(); defer { folder.remove() }
        try PythonOracle.run(
            """
            import sys, numpy as np
            from PIL import Image
            Image.fromarray(np.array([[0, 257, 65535, 32768]], dtype=np.uint16)).save(sys.argv[1] + '/deep.png')
            """, arguments: [folder.path])
        let image = try ImageFile.decode(folder.appending("deep.png").path)
        XCTAssertEqual(image.channels, 1)
        XCTAssertEqual(image.pixels, [0, 1, 255, 128])
    }

    func testChannelsAndImageSizeConvertAndResizeLikeTheTransforms() throws {
        let folder = try TemporaryDirectory(); defer { folder.remove() }
        try Self.writeDigits(20, to: folder.path)
        let plain = try ImageFolderDataset(name: "digits", path: folder.path)
        let rgb = try ImageFolderDataset(name: "digits", path: folder.path, imageSize: (14, 20), channels: 3)
        XCTAssertEqual(rgb.sampleShape, [3, 14, 20])
        var unused = RandomGenerator(seed: 0)
        for i in 0..<20 {
            let gray = FloatImage(channels: 1, height: 28, width: 28, pixels: plain.batch([i]).toFloatArray())
            let resized = Resize(size: (14, 20)).apply(gray, &unused).pixels
            let ours = rgb.batch([i]).toFloatArray()
            for c in 0..<3 {
                let worst = zip(ours[(c * 280)..<((c + 1) * 280)], resized).map { abs($0 - $1) }.max() ?? .infinity
                XCTAssertLessThanOrEqual(
                    worst, 0.5 / 255 + 1e-6, "sample \(i), channel \(c): the bilinear resize, rounded to bytes")
            }
        }
    }

    /// Damaged files: an error naming the file, or (skip_unreadable) left out with a warning.
    func testDamagedEmptyTruncatedAndUnsupportedFilesAreNamedOrSkipped() throws {
        let source = try TemporaryDirectory(); defer { source.remove() }
        try Self.writeDigits(3, to: source.path, flat: true)
        try Self.writeDigits(1, to: source.appending("jpeg").path, format: "jpeg", flat: true)
        let png = try Data(contentsOf: source.appending("0000.png")),
            jpeg = try Data(contentsOf: source.appending("jpeg/0000.jpg"))
        var corrupt = png
        corrupt[corrupt.count - 30] ^= 0xFF  // inside IDAT: the chunk's CRC no longer matches
        let damaged: [(String, Data, String)] = [
            ("empty.png", Data(), "empty"),
            ("truncated.png", png.prefix(png.count / 2), "libpng"),
            ("no_end.png", png.prefix(png.count - 12), "libpng"),
            ("corrupt.png", corrupt, "libpng"),
            ("truncated.jpg", jpeg.prefix(jpeg.count / 2), "libjpeg"),
            ("header_only.jpg", jpeg.prefix(20), "libjpeg"),
            ("text.jpg", Data("not an image\n".utf8), "not a PNG or JPEG"),
            ("picture.bmp", Data("BM".utf8), "not supported"),
        ]
        for (name, bytes, reason) in damaged {
            let folder = try TemporaryDirectory(); defer { folder.remove() }
            try png.write(to: folder.appending("a_good.png"))
            try bytes.write(to: folder.appending(name))
            try Data("notes".utf8).write(to: folder.appending("notes.txt"))
            let bad = folder.appending(name).path
            XCTAssertThrowsError(try ImageFolderDataset(name: "d", path: folder.path), name) { error in
                let message = (error as? DataError)?.message ?? "\(error)"
                XCTAssertTrue(message.hasPrefix(bad + ": "), message)
                XCTAssertTrue(message.contains(reason), message)
            }
            var warnings: [String] = []
            let kept = try ImageFolderDataset(name: "d", path: folder.path, skipUnreadable: true) {
                warnings.append($0)
            }
            XCTAssertEqual(kept.files, ["a_good.png"], name)
            XCTAssertEqual(kept.skipped.count, 1, name)
            XCTAssertEqual(warnings.count, 1, name)
            XCTAssertTrue(warnings.first?.contains(bad) == true, "\(warnings)")
        }
        let allBad = try TemporaryDirectory(); defer { allBad.remove() }
        try Data().write(to: allBad.appending("empty.png"))
        XCTAssertThrowsError(try ImageFolderDataset(name: "d", path: allBad.path, skipUnreadable: true)) { error in
            XCTAssertTrue("\(error)".contains("none of its 1 image files could be read"), "\(error)")
        }
    }

    /// Seeded bit flips, overwritten runs and truncations of a PNG and a JPEG: each decodes or is an
    /// error naming the file — never a crash, whatever libpng and libjpeg meet.
    func testRandomlyDamagedFilesDecodeOrFailNamingTheFile() throws {
        let source = try TemporaryDirectory(); defer { source.remove() }
        try Self.writeDigits(1, to: source.appending("png").path, flat: true)
        try Self.writeDigits(1, to: source.appending("jpeg").path, format: "jpeg", flat: true)
        var g = RandomGenerator(seed: 24)
        var failures = 0
        for original in [
            try Data(contentsOf: source.appending("png/0000.png")),
            try Data(contentsOf: source.appending("jpeg/0000.jpg")),
        ] {
            for trial in 0..<150 {
                var bytes = [UInt8](original)
                switch trial % 3 {
                case 0:
                    for _ in 0..<(1 + Int(g.next() % 4)) {
                        bytes[8 + Int(g.next() % UInt64(bytes.count - 8))] ^= UInt8(1 << (g.next() % 8))
                    }
                case 1:
                    let start = 4 + Int(g.next() % UInt64(bytes.count - 20))
                    for i in start..<(start + 16) { bytes[i] = UInt8(truncatingIfNeeded: g.next()) }
                default: bytes = Array(bytes.prefix(4 + Int(g.next() % UInt64(bytes.count - 4))))
                }
                let name = "damaged-\(trial)"
                do { _ = try ImageFile.decode(Data(bytes), file: name) } catch let error as DataError {
                    failures += 1
                    XCTAssertTrue(error.message.hasPrefix(name + ": "), error.message)
                }
            }
        }
        XCTAssertGreaterThan(failures, 100, "most damage is detected")
    }

    func testLayoutsAndOrderFollowTorchvisionAndMistakesAreNamed() throws {
        let source = try TemporaryDirectory(); defer { source.remove() }
        try Self.writeDigits(1, to: source.path, flat: true)
        let png = try Data(contentsOf: source.appending("0000.png"))
        let folder = try TemporaryDirectory(); defer { folder.remove() }
        let fm = FileManager.default
        for path in ["b/9.png", "b/10.png", "b/deeper/1.png", "B/x.JPG", "a/.hidden.png", "a/z.PNG", ".git/y.png"] {
            let url = folder.appending(path)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try png.write(to: url)
        }
        try Data("readme".utf8).write(to: folder.appending("README.txt"))
        // "B/x.JPG" is a PNG under a JPEG name: the first bytes decide.
        let data = try ImageFolderDataset(name: "d", path: folder.path)
        XCTAssertEqual(data.labelNames, ["B", "a", "b"])
        XCTAssertEqual(data.files, ["B/x.JPG", "a/z.PNG", "b/10.png", "b/9.png", "b/deeper/1.png"])
        XCTAssertEqual(data.labels, [0, 1, 2, 2, 2])
        XCTAssertEqual(
            try ImageFolderListing(root: folder.path).sha256(), try ImageFolderListing(root: folder.path).sha256())

        try png.write(to: folder.appending("stray.png"))
        XCTAssertThrowsError(try ImageFolderDataset(name: "d", path: folder.path)) { error in
            XCTAssertTrue("\(error)".contains("holds both class folders"), "\(error)")
            XCTAssertTrue("\(error)".contains("stray.png"), "\(error)")
        }
        try fm.removeItem(at: folder.appending("stray.png"))
        try fm.createDirectory(at: folder.appending("empty"), withIntermediateDirectories: true)
        XCTAssertThrowsError(try ImageFolderDataset(name: "d", path: folder.path)) { error in
            XCTAssertTrue("\(error)".contains("class folder 'empty' holds no PNG or JPEG images"), "\(error)")
        }
        try fm.removeItem(at: folder.appending("empty"))
        try fm.createSymbolicLink(atPath: folder.appending("b/deeper/loop").path, withDestinationPath: "..")
        XCTAssertThrowsError(try ImageFolderDataset(name: "d", path: folder.path)) { error in
            XCTAssertTrue("\(error)".contains("b/deeper/loop: leads to a folder already read"), "\(error)")
        }
        XCTAssertThrowsError(try ImageFolderDataset(name: "d", path: folder.appending("missing").path)) { error in
            XCTAssertTrue("\(error)".contains("missing: no such folder"), "\(error)")
        }
        XCTAssertThrowsError(try ImageFolderDataset(name: "d", path: folder.appending("README.txt").path)) { error in
            XCTAssertTrue("\(error)".contains("not a folder"), "\(error)")
        }
        XCTAssertThrowsError(try ImageFolderDataset(name: "d", path: folder.appending("b").path, channels: 2)) {
            error in
            XCTAssertTrue("\(error)".contains("channels must be 1 or 3"), "\(error)")
        }
    }
}
