import Foundation
import XCTest

@testable import RecombineMethod

/// Sample shapes and counts known from the method file alone, read from the dataset's typed options.
final class SampleShapesTests: XCTestCase {
    func method(dataset: String, inFeatures: Int) -> String {
        """
        {"name": "m", "mappings": [{"name": "encoder", "type": "feature_extractor", "layers": [{"type": "Linear", "in_features": \(inFeatures), "out_features": \(inFeatures)}]}],
         "phases": [{"name": "p", "order": 1, "exit_criteria": {"iterations": 1},
           "design_patterns": [{"pattern": "training_feature_extractor_through_reconstruction_of_samples", "encoder_name": "encoder", "decoder_name": "encoder"}],
           "optimizers": [{"type": "SGD", "lr": 0.1, "trained_mapping_names": ["encoder"]}]}],
         "cluster_assignment_strategy": {"type": "classical_clustering_in_feature_space_after_phase", "classical_clustering_in_feature_space_after_phase": "p"},
         "datasets": [\(dataset)]}
        """
    }

    func load(_ text: String) throws -> MethodLoader.Outcome {
        MethodLoader(store: try SchemaStore(directory: RepositoryPaths.schema)).load(text: text, file: "m.json")
    }

    func testBlobsWithGivenCentresHaveTheCentresDimension() throws {
        let blobs = #"{"dataset": "Blobs", "centers": [[0, 0, 0], [5, 5, 5]], "batch_size": 10, "num_clusters": 2}"#
        let spec = try XCTUnwrap(try load(method(dataset: blobs, inFeatures: 3)).spec)
        XCTAssertEqual(SampleShapes.of(try XCTUnwrap(spec.datasets.first)), [3])
        // A mapping built for the default n_features (2) is refused before training.
        let refused = try load(method(dataset: blobs, inFeatures: 2))
        XCTAssertNil(refused.spec)
        XCTAssertFalse(refused.issues.isEmpty)
    }

    func testBlobsWithoutCentresUseNFeaturesAndNSamplesDefaults() throws {
        let blobs = #"{"dataset": "Blobs", "batch_size": 10, "num_clusters": 3}"#
        let spec = try XCTUnwrap(try load(method(dataset: blobs, inFeatures: 2)).spec)
        let dataset = try XCTUnwrap(spec.datasets.first)
        XCTAssertEqual(SampleShapes.of(dataset), [2])
        XCTAssertEqual(SampleCounts.of(dataset), 100)
    }

    func testBuiltinSplitsCountTheirSamples() throws {
        // Read as the loader reads a method (defaults filled in); the mapping does not matter here.
        let filler = DefaultFiller(
            validator: SchemaValidator(store: try SchemaStore(directory: RepositoryPaths.schema)))
        func dataset(_ entry: String) throws -> DatasetSpec {
            let document = try JSONParser.parse(text: method(dataset: entry, inFeatures: 2), file: "m.json")
            let filled = JSONDocument(
                file: document.file, root: filler.fill(document.root), sourceMap: document.sourceMap)
            return try XCTUnwrap(MethodSpec(document: filled, baseDirectory: ".").datasets.first)
        }
        XCTAssertEqual(
            SampleCounts.of(
                try dataset(#"{"dataset": "MNIST", "train": false, "batch_size": 10, "num_clusters": 10}"#)),
            10000)
        XCTAssertEqual(
            SampleCounts.of(try dataset(#"{"dataset": "USPS", "batch_size": 10, "num_clusters": 10}"#)), 7291)
        XCTAssertEqual(
            SampleCounts.of(
                try dataset(
                    #"{"dataset": "FashionMNIST", "index_of_last_sample_to_use": 99, "batch_size": 10, "num_clusters": 10}"#
                )), 100)
        XCTAssertEqual(
            SampleCounts.of(
                try dataset(#"{"dataset": "MNIST", "include_test_split": true, "batch_size": 10, "num_clusters": 10}"#)
            ), 70000)
        XCTAssertEqual(
            SampleCounts.of(
                try dataset(#"{"dataset": "USPS", "include_test_split": true, "batch_size": 10, "num_clusters": 10}"#)),
            9298)
    }

    func testIncludingTheTestSplitWithTrainFalseIsRefusedAtItsPointer() throws {
        let entry =
            #"{"dataset": "MNIST", "train": false, "include_test_split": true, "batch_size": 10, "num_clusters": 10}"#
        let outcome = try load(method(dataset: entry, inFeatures: 784))
        XCTAssertNil(outcome.spec)
        let issue = try XCTUnwrap(outcome.issues.first { $0.pointer.description.hasSuffix("include_test_split") })
        XCTAssertEqual(issue.pointer.description, "/datasets/0/include_test_split")
        XCTAssertTrue(issue.message.contains("needs train true"), issue.message)
    }
}
