import Foundation
import RecombineTestSupport
import XCTest

/// Image folders through the command: a run of Configurations/ae_kmeans_image_folder.json, `predict`
/// on a folder (with its file column), damaged files (exit 1 naming the file, or skipped on request).
extension CLIContractTests {
    func testImageFolderRunsPredictsByFileAndNamesDamagedFiles() throws {
        let folder = try TemporaryDirectory(); defer { folder.remove() }
        let images = folder.appending("digits").path
        try Repository.requireData("mnist/t10k-images-idx3-ubyte.gz")
        try runProcess([
            "python3", Repository.scripts.appendingPathComponent("idx-to-image-folder").path, "--data-root",
            Repository.dataRoot,
            "--count", "300", "--output", images,
        ])
        let method = Repository.configurations.path + "/ae_kmeans_image_folder.json"
        let run = folder.appending("run").path
        let trained = try recombine([
            "run", method, "--quiet", "--iterations-scale", "0.05", "--set", "/datasets/0/path=\(images)", "--output",
            run,
        ])
        XCTAssertEqual(trained.status, 0, trained.errors)
        let grid = try String(contentsOfFile: run + "/plots/nearest_images.svg", encoding: .utf8)
        XCTAssertTrue(
            grid.contains("data:image/png;base64,"), "the report's nearest-images grid shows the folder's digits")

        let predicted = try recombine(["predict", run, images])
        XCTAssertEqual(predicted.status, 0, predicted.errors)
        let lines = predicted.output.split(separator: "\n")
        XCTAssertEqual(lines.first, "index,file,cluster,label")
        XCTAssertEqual(lines.count, 301)
        XCTAssertTrue(lines[1].hasPrefix("0,0/0003.png,") && lines[1].hasSuffix(",0"), String(lines[1]))
        XCTAssertTrue(predicted.errors.contains("300 samples: ACC"), predicted.errors)

        try Data(repeating: 0x89, count: 5).write(to: URL(fileURLWithPath: images + "/3/broken.png"))
        let refused = try recombine(["predict", run, images])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.errors.contains(images + "/3/broken.png: not a PNG or JPEG image"), refused.errors)
        let skipped = try recombine(["predict", run, images, "--skip-unreadable"])
        XCTAssertEqual(skipped.status, 0, skipped.errors)
        XCTAssertTrue(skipped.errors.contains("Warning: skipped \(images)/3/broken.png"), skipped.errors)
        XCTAssertEqual(skipped.output, predicted.output, "the same 300 rows")
        let stopped = try recombine([
            "run", method, "--quiet", "--iterations-scale", "0.05", "--set", "/datasets/0/path=\(images)", "--output",
            folder.appending("run2").path,
        ])
        XCTAssertEqual(stopped.status, 1)
        XCTAssertTrue(stopped.errors.contains("3/broken.png: not a PNG or JPEG image"), stopped.errors)
        let skipping = try recombine([
            "run", method, "--quiet", "--no-report", "--iterations-scale", "0.05", "--set",
            "/datasets/0/path=\(images)",
            "--set", "/datasets/0/skip_unreadable=true", "--output", folder.appending("run3").path,
        ])
        XCTAssertEqual(skipping.status, 0, skipping.errors)
        let log = try String(contentsOfFile: folder.appending("run3/log.txt").path, encoding: .utf8)
        XCTAssertTrue(log.contains("Warning: skipped \(images)/3/broken.png"), log)

        let wrongSize = try recombine(["validate", method, "--set", "/datasets/0/image_size=[16,16]"])
        XCTAssertEqual(wrongSize.status, 1, wrongSize.output)
        XCTAssertTrue(wrongSize.output.contains("784"), wrongSize.output)
    }
}
