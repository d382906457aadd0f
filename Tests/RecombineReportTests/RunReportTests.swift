import Foundation
import RecombineMethod
import RecombineTestSupport
import RecombineTraining
import XCTest

@testable import RecombineReport

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Reports of real (tiny) runs: a DEC autoencoder on 2-D Gaussians and a 5-D variant (PCA and t-SNE).
final class RunReportTests: XCTestCase {
    var root: URL!
    override func setUp() {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)")
    }
    override func tearDown() { try? FileManager.default.removeItem(at: root) }

    static let schemaDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Schema").path

    func method(features: Int, clusteringIterations: Int = 20, lossInterval: Int = 5) -> String {
        """
        {"name": "tiny", "seed": 2,
         "mappings": [
           {"name": "encoder", "type": "feature_extractor", "layers": [{"type": "Linear", "in_features": 2, "out_features": 16}, {"type": "ReLU"}, {"type": "Linear", "in_features": 16, "out_features": \(features)}]},
           {"name": "decoder", "type": "design_pattern_specific", "layers": [{"type": "Linear", "in_features": \(features), "out_features": 16}, {"type": "ReLU"}, {"type": "Linear", "in_features": 16, "out_features": 2}]}],
         "phases": [
           {"name": "pretraining", "order": 1, "exit_criteria": {"epochs": 1},
            "design_patterns": [{"pattern": "training_feature_extractor_through_reconstruction_of_samples", "encoder_name": "encoder", "decoder_name": "decoder", "loss_report_interval": 5}],
            "optimizers": [{"type": "Adam", "lr": 0.01, "trained_mapping_names": ["encoder", "decoder"]}]},
           {"name": "clustering", "order": 2, "exit_criteria": {"iterations": \(clusteringIterations)}, "performance_evaluation_interval": 5,
            "design_patterns": [{"pattern": "encouraging_cluster_formation_by_minimizing_divergence_between_current_and_target_cluster_assignment_distribution", "loss_report_interval": \(lossInterval), "target_distribution_recalculation_interval": 5}],
            "optimizers": [{"type": "SGD", "lr": 0.01, "momentum": 0.9, "trained_mapping_names": ["encoder"], "optimizes_centroids": true}]}],
         "cluster_assignment_strategy": {"type": "feature_representation_centroid_similarity", "similarity_measure": "student_t",
            "use_centroids_during_phases": ["clustering"], "centroid_initialization_strategy": "classical_clustering"},
         "datasets": [{"dataset": "GaussianMixture", "preset": "three_gaussians", "seed": 1, "batch_size": 100, "num_clusters": 3, "shuffle": true}]}
        """
    }

    func run(
        features: Int, name: String, iterationsScale: Double = 1, clusteringIterations: Int = 20, lossInterval: Int = 5
    ) throws -> String {
        let directory = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("method.json").path
        try method(features: features, clusteringIterations: clusteringIterations, lossInterval: lossInterval).write(
            toFile: file, atomically: true, encoding: .utf8)
        let outcome = MethodLoader(store: try SchemaStore(directory: Self.schemaDirectory)).load(path: file)
        let spec = try XCTUnwrap(outcome.spec, outcome.issues.map(\.description).joined(separator: "\n"))
        var configuration = RunConfiguration()
        configuration.quiet = true
        configuration.iterationsScale = iterationsScale
        configuration.outputDirectory = directory.appendingPathComponent("run").path
        return try MethodRunner(spec: spec, configuration: configuration).run().runDirectory
    }

    func plots(_ run: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: run + "/plots").sorted()
    }

    /// A t-SNE computed once is kept: a cheaper setting (0 points) keeps it in the page, and a rebuild
    /// with the same number of points reuses it instead of computing it again.
    func testTSNEIsReusedAndNotDroppedByACheaperSetting() throws {
        let fiveD = try run(features: 5, name: "t")
        try RunReport.build(directory: fiveD, tsnePoints: 100)
        let plot = fiveD + "/plots/tsne.svg"
        let first = try String(contentsOfFile: plot, encoding: .utf8)
        XCTAssertTrue(first.contains("<!-- recombine two-panel t-SNE of 100 samples -->"))
        try RunReport.build(directory: fiveD, tsnePoints: 0)
        XCTAssertTrue(
            try String(contentsOfFile: fiveD + "/report.html", encoding: .utf8).contains("t-SNE of the features"),
            "--tsne-points 0 dropped the t-SNE")
        try RunReport.build(directory: fiveD, tsnePoints: 100)
        XCTAssertEqual(try String(contentsOfFile: plot, encoding: .utf8), first, "the same t-SNE is reused")
        try RunReport.build(directory: fiveD, tsnePoints: 50)
        XCTAssertTrue(
            try String(contentsOfFile: plot, encoding: .utf8).contains(
                "<!-- recombine two-panel t-SNE of 50 samples -->"), "another size is computed")
    }

    func testReportHasEveryPlotAndIsWellFormed() throws {
        let twoD = try run(features: 2, name: "a"), fiveD = try run(features: 5, name: "b")
        let page = try RunReport.build(directory: twoD, tsnePoints: 200)
        XCTAssertEqual(
            try plots(twoD),
            [
                "confusion.svg", "features_2d.svg", "losses_GaussianMixture_clustering.svg",
                "losses_GaussianMixture_pretraining.svg", "metrics.svg",
            ])
        try RunReport.build(directory: fiveD, tsnePoints: 200)
        XCTAssertEqual(
            try plots(fiveD),
            [
                "confusion.svg", "losses_GaussianMixture_clustering.svg", "losses_GaussianMixture_pretraining.svg",
                "metrics.svg", "pca.svg", "tsne.svg",
            ])
        for run in [twoD, fiveD] {
            for plot in try plots(run) {
                XCTAssertTrue(
                    isWellFormedXML(try String(contentsOfFile: run + "/plots/" + plot, encoding: .utf8)), plot)
            }
        }
        let html = try String(contentsOfFile: page, encoding: .utf8)
        XCTAssertEqual(html.components(separatedBy: "<svg ").count - 1, 5)
        XCTAssertTrue(html.contains("ACC") && html.contains("recombine_version") && html.contains("Method as run"))
        // The 2-D plot shows the three centroids as crosses (two lines each) besides the legend's.
        let features = try String(contentsOfFile: twoD + "/plots/features_2d.svg", encoding: .utf8)
        XCTAssertEqual(features.components(separatedBy: "stroke-width=\"3\"").count - 1, 6)

        // A killed run's partial last metrics line is skipped with a note.
        let metrics = try FileHandle(forWritingTo: URL(fileURLWithPath: twoD + "/metrics.jsonl"))
        metrics.seekToEndOfFile(); metrics.write(Data("{\"kind\":\"loss\",\"pha".utf8)); try metrics.close()
        let again = try String(contentsOfFile: try RunReport.build(directory: twoD, tsnePoints: 0), encoding: .utf8)
        XCTAssertTrue(again.contains("1 unreadable line of metrics.jsonl skipped"))

        let comparison = try ComparisonReport.build(directories: [twoD, fiveD], outputDirectory: root.path)
        let text = try String(contentsOfFile: comparison, encoding: .utf8)
        XCTAssertTrue(text.contains("a/run/report.html") && text.contains("b/run/report.html"), text)
        XCTAssertEqual(text.components(separatedBy: "<svg ").count - 1, 3)
    }

    /// A run record (Docs/results/runs: metrics and predictions gzipped, no final.safetensors) gets its
    /// curves from metrics.jsonl.gz and its confusion matrix from predictions.csv.gz, with a note that
    /// says why there are no embedding plots.
    func testARunRecordsReportReadsItsGzippedFilesAndPredictions() throws {
        let record = try run(features: 2, name: "record")
        let result = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: record + "/result.json")))
        let acc = try XCTUnwrap(((result as? [String: Any])?["final"] as? [String: Any])?["acc"] as? Double)
        for name in ["metrics.jsonl", "predictions.csv"] { _ = try runProcess(["gzip", record + "/" + name]) }
        try FileManager.default.removeItem(atPath: record + "/final.safetensors")
        try? FileManager.default.removeItem(atPath: record + "/plots")
        let page = try String(contentsOfFile: try RunReport.build(directory: record, tsnePoints: 0), encoding: .utf8)
        XCTAssertEqual(
            try plots(record),
            [
                "confusion.svg", "losses_GaussianMixture_clustering.svg", "losses_GaussianMixture_pretraining.svg",
                "metrics.svg",
            ])
        let confusion = try String(contentsOfFile: record + "/plots/confusion.svg", encoding: .utf8)
        XCTAssertTrue(confusion.contains(String(format: "Confusion matrix (ACC %.3f)", acc)), confusion)
        XCTAssertTrue(
            page.contains(
                "no final.safetensors (the run finished: a run record keeps no weights): no embedding or image plots; the confusion matrix comes from predictions.csv"
            ), page)
        XCTAssertFalse(page.contains("metrics.jsonl is missing"))
    }

    /// At a 1 % schedule a phase of 1 000 iterations runs 10, fewer than its loss report interval (300):
    /// no `loss` record at all. Its curve comes from `loss_curve` records at the scaled interval (3).
    func testLossCurveOfAReducedScheduleHasSeveralPoints() throws {
        let directory = try run(
            features: 2, name: "scaled", iterationsScale: 0.01, clusteringIterations: 1000, lossInterval: 300)
        let records = try String(contentsOfFile: directory + "/metrics.jsonl", encoding: .utf8).split(separator: "\n")
            .compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }.filter {
                $0["phase"] as? String == "clustering"
            }
        XCTAssertTrue(
            records.filter { $0["kind"] as? String == "loss" }.isEmpty, "the unscaled interval is never reached")
        let curve = records.filter { $0["kind"] as? String == "loss_curve" }
        XCTAssertEqual(curve.compactMap { ($0["iteration"] as? NSNumber)?.intValue }, [3, 6, 9])
        XCTAssertEqual(curve.compactMap { ($0["iterations_averaged"] as? NSNumber)?.intValue }, [3, 3, 3])
        try RunReport.build(directory: directory, tsnePoints: 0)
        let svg = try String(
            contentsOfFile: directory + "/plots/losses_GaussianMixture_clustering.svg", encoding: .utf8)
        let polyline = try XCTUnwrap(
            svg.components(separatedBy: "<polyline points=\"").dropFirst().first?.prefix { $0 != "\"" })
        XCTAssertGreaterThanOrEqual(polyline.split(separator: " ").count, 2)
        // The full schedule writes no loss_curve records.
        let full = try run(features: 2, name: "full")
        XCTAssertFalse(try String(contentsOfFile: full + "/metrics.jsonl", encoding: .utf8).contains("loss_curve"))
    }

    func modified(_ path: String) throws -> Date {
        try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date)
    }

    /// A finished run's report is kept as it is (no t-SNE computed again, nothing rewritten) until the
    /// run's files change or a report of an older layout is found.
    func testUpToDateReportIsReusedWithoutRecomputingTheTSNE() throws {
        let directory = try run(features: 5, name: "reuse")
        try RunReport.build(directory: directory, tsnePoints: 60)
        let page = directory + "/report.html", tsne = directory + "/plots/tsne.svg"
        let before = (try modified(page), try modified(tsne))
        Thread.sleep(forTimeInterval: 0.05)
        let kept = try RunReport.update(directory: directory, tsnePoints: nil)
        XCTAssertTrue(kept.reused)
        XCTAssertEqual(try modified(page), before.0, "report.html was rewritten")
        XCTAssertEqual(try modified(tsne), before.1, "the t-SNE was computed again")
        // New metrics make the report stale; it is rebuilt, the t-SNE of the same final state kept.
        try FileManager.default.setAttributes(
            [.modificationDate: Date().addingTimeInterval(5)], ofItemAtPath: directory + "/metrics.jsonl")
        let rebuilt = try RunReport.update(directory: directory, tsnePoints: nil)
        XCTAssertFalse(rebuilt.reused)
        XCTAssertTrue(
            try String(contentsOfFile: tsne, encoding: .utf8).contains("two-panel t-SNE of 60 samples"),
            "a rebuild with the default size keeps the existing t-SNE")
        XCTAssertEqual(try modified(tsne), before.1, "the existing t-SNE is reused, not recomputed")
        // A report written by an older layout (no generator tag) is rebuilt.
        try FileManager.default.setAttributes(
            [.modificationDate: Date().addingTimeInterval(-60)], ofItemAtPath: directory + "/metrics.jsonl")
        XCTAssertTrue(RunReport.isCurrent(directory: directory))
        let old = try String(contentsOfFile: page, encoding: .utf8).replacingOccurrences(
            of: RunReport.generatorTag, with: "")
        try old.write(toFile: page, atomically: true, encoding: .utf8)
        XCTAssertFalse(RunReport.isCurrent(directory: directory))
    }
}
