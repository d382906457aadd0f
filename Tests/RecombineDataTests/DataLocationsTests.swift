import Foundation
import RecombineData
import RecombineTestSupport
import XCTest

/// Built-in datasets are looked up in `root`, --data-root, RECOMBINE_DATA, then the user cache.
final class DataLocationsTests: XCTestCase {
    func testCacheFollowsXDGCacheHomeElseHome() {
        XCTAssertEqual(
            DataLocations.userCache(environment: ["XDG_CACHE_HOME": "/tmp/xdg", "HOME": "/home/u"]),
            "/tmp/xdg/recombine/datasets")
        XCTAssertEqual(DataLocations.userCache(environment: ["HOME": "/home/u"]), "/home/u/.cache/recombine/datasets")
        // The XDG rule: an empty or relative XDG_CACHE_HOME is ignored.
        XCTAssertEqual(
            DataLocations.userCache(environment: ["XDG_CACHE_HOME": "", "HOME": "/home/u"]),
            "/home/u/.cache/recombine/datasets")
        XCTAssertEqual(
            DataLocations.userCache(environment: ["XDG_CACHE_HOME": "cache", "HOME": "/home/u"]),
            "/home/u/.cache/recombine/datasets")
        let locations = DataLocations(dataRoot: "/d", environment: ["RECOMBINE_DATA": "/r", "XDG_CACHE_HOME": "/x"])
        XCTAssertEqual(locations, DataLocations(searchDirectories: ["/d", "/r"], cache: "/x/recombine/datasets"))
        XCTAssertEqual(
            DataLocations(dataRoot: nil, environment: ["RECOMBINE_DATA": "", "XDG_CACHE_HOME": "/x"]).searchDirectories,
            [])
        XCTAssertEqual(locations.cacheDirectory(for: .fashionMNIST), "/x/recombine/datasets/fashion-mnist")
    }

    func testLookupOrderIsRootDataRootRecombineDataThenCache() throws {
        let directory = try TemporaryDirectory("recombine-lookup")
        defer { directory.remove() }
        let xdg = directory.appending("xdg-cache").path
        let locations = DataLocations(
            dataRoot: directory.appending("data-root").path,
            environment: ["RECOMBINE_DATA": directory.appending("recombine-data").path, "XDG_CACHE_HOME": xdg])
        XCTAssertEqual(locations.cache, xdg + "/recombine/datasets")
        let root = directory.appending("root").path
        func place(_ folder: String) throws {
            let url = URL(fileURLWithPath: folder)
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            for name in ["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"] {
                try Data([0]).write(to: url.appendingPathComponent(name))
            }
        }
        func found() throws -> String {
            URL(
                fileURLWithPath: try BuiltinImageDataset.mnist.locate(train: false, root: root, locations: locations)
                    .images
            ).deletingLastPathComponent().path
        }
        // Each newly filled place comes earlier in the order, so it wins.
        for folder in [
            xdg + "/recombine/datasets/mnist", directory.appending("recombine-data/mnist").path,
            directory.appending("data-root/mnist").path, root,
        ] {
            try place(folder)
            XCTAssertEqual(try found(), folder)
        }
        XCTAssertEqual(
            BuiltinImageDataset.mnist.candidateDirectories(root: root, locations: locations),
            [
                root, root + "/MNIST/raw", directory.appending("data-root/mnist").path,
                directory.appending("data-root").path,
                directory.appending("recombine-data/mnist").path, directory.appending("recombine-data").path,
                xdg + "/recombine/datasets/mnist",
            ])
    }
}
