import Foundation
import RecombineClustering
import RecombineData
import RecombineMethod
import RecombineRunFiles

@testable import RecombineTraining

/// Checks the records of finished runs (`Docs/results/runs/<configuration>/seed-<n>/`, written by
/// `Scripts/make-record`): the scored dataset is rebuilt from the record's method.json and the data
/// directories, its files must have the SHA-256 result.json names, `predictions.csv.gz` must list every
/// sample in order with its true label, and ACC, NMI and ARI recomputed from it must equal result.json's
/// end-of-training scores of that dataset.
struct RunRecordChecker {
    /// Largest difference allowed between a recomputed and a recorded score.
    static let tolerance = 5e-7

    let schemaDirectory: String
    let dataDirectories: [String]

    /// What checking every record under a folder found.
    struct Report {
        var passed: [String] = []
        /// Each with what is wrong.
        var failed: [String] = []
        /// Records whose dataset is not on this machine.
        var dataMissing: [String] = []
        var count: Int { passed.count + failed.count + dataMissing.count }

        /// What fails the check: every wrong record, and under CI (where the datasets must be present)
        /// every record whose dataset is missing too.
        func failures(underCI: Bool) -> [String] {
            failed + (underCI ? dataMissing.map { "\($0) (CI must have the datasets)" } : [])
        }
    }

    enum Verdict: Equatable {
        case passed
        case failed(String)
        case dataMissing(String)
    }

    /// The result.json fields a record is checked against.
    struct RecordedResult: Decodable {
        struct Scores: Decodable {
            let dataset: String
            let acc: Double?, nmi: Double?, ari: Double?
            let source: String?
        }
        let method: String
        let status: String
        let final: Scores?
        let endOfTraining: [Scores]?
        let predictionsDataset: String?
        let dataFiles: [String: String]?
        let provenance: RunProvenance

        enum CodingKeys: String, CodingKey {
            case method, status, final, provenance
            case endOfTraining = "end_of_training"
            case predictionsDataset = "predictions_dataset"
            case dataFiles = "data_files_sha256"
        }
    }

    /// Every folder under `root` holding a result.json, in name order (none when `root` does not exist).
    static func recordDirectories(under root: URL) -> [URL] {
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        return walker.compactMap { $0 as? URL }.filter { $0.lastPathComponent == "result.json" }
            .map { $0.deletingLastPathComponent() }.sorted { $0.path < $1.path }
    }

    func check(recordsUnder root: URL) -> Report {
        var report = Report()
        for directory in Self.recordDirectories(under: root) {
            let name =
                directory.path.hasPrefix(root.path)
                ? String(directory.path.dropFirst(root.path.count + 1)) : directory.path
            switch check(record: directory) {
            case .passed: report.passed.append(name)
            case .failed(let reason): report.failed.append("\(name): \(reason)")
            case .dataMissing(let reason): report.dataMissing.append("\(name): \(reason)")
            }
        }
        return report
    }

    func check(record directory: URL) -> Verdict {
        do { return try verdict(directory) } catch { return .failed("\(error)") }
    }

    private func verdict(_ directory: URL) throws -> Verdict {
        let result = try JSONDecoder().decode(
            RecordedResult.self, from: Data(contentsOf: directory.appendingPathComponent("result.json")))
        guard result.status == "completed" else { return .failed("status is \(result.status), not completed") }
        guard let scored = result.final?.dataset else { return .failed("result.json has no final result") }
        guard result.predictionsDataset == scored else {
            return .failed(
                "predictions.csv holds dataset \(result.predictionsDataset ?? "none"), but result.json scores \(scored)"
            )
        }
        guard let recorded = result.endOfTraining?.last(where: { $0.dataset == scored }) else {
            return .failed("result.json has no end-of-training scores of \(scored)")
        }
        let rows = try PredictionsFile.rows(Gzip.readFile(directory.appendingPathComponent("predictions.csv.gz").path))

        let outcome = MethodLoader(store: try SchemaStore(directory: schemaDirectory)).load(
            path: directory.appendingPathComponent("method.json").path,
            baseDirectory: directory.path)
        guard let spec = outcome.spec else {
            return .failed("method.json does not load: " + outcome.issues.map(\.description).joined(separator: "; "))
        }
        guard let datasetSpec = spec.orderedDatasets.first(where: { $0.name == scored }) else {
            return .failed("method.json has no dataset \(scored)")
        }
        // Records are checked against data already here: no cache, so nothing is ever downloaded.
        let locations = DataLocations(
            searchDirectories: dataDirectories,
            cache: FileManager.default.temporaryDirectory.appendingPathComponent("recombine-record-check-no-cache").path
        )
        let factory = DatasetFactory(baseDirectory: directory.path, locations: locations)
        if let kind = BuiltinImageDataset(rawValue: datasetSpec.dataset) {
            // Looked up first, so a missing dataset is told apart from a wrong record (and never downloaded).
            do {
                _ = try kind.locate(train: datasetSpec.options["train"]?.bool ?? true, root: nil, locations: locations)
            } catch {
                return .dataMissing(
                    "\(datasetSpec.dataset) not found in \(dataDirectories.joined(separator: ", ")) (RECOMBINE_DATA)")
            }
        }
        let data = try factory.load(datasetSpec, seed: 0)
        for path in factory.files.paths {
            let name = DataFileHashes.name(ofFile: path)
            guard let expected = result.dataFiles?["\(scored): \(name)"] ?? result.dataFiles?[name] else {
                return .failed("result.json names no data file \(name)")
            }
            let actual = try SHA256.hex(ofFile: path)
            guard actual == expected else {
                return .failed("\(name) here has SHA-256 \(actual), the run read \(expected)")
            }
        }
        guard let labels = data.labels else { return .failed("dataset \(scored) has no labels: nothing to score") }
        let firstIndex = (data as? SubsetDataset)?.offset ?? 0
        guard rows.count == labels.count else {
            return .failed("predictions.csv has \(rows.count) rows, dataset \(scored) has \(labels.count) samples")
        }
        for (i, row) in rows.enumerated() {
            guard row.index == firstIndex + i else {
                return .failed("predictions.csv row \(i + 1) has index \(row.index), expected \(firstIndex + i)")
            }
            guard let label = row.label else { return .failed("predictions.csv has no label column") }
            guard label == labels[i] else {
                return .failed("predictions.csv gives sample \(row.index) label \(label), the dataset has \(labels[i])")
            }
        }
        let clusters = rows.map(\.cluster)
        let recomputed = [
            ("ACC", ClusteringMetrics.accuracy(truth: labels, prediction: clusters), recorded.acc),
            ("NMI", ClusteringMetrics.nmi(truth: labels, prediction: clusters), recorded.nmi),
            ("ARI", ClusteringMetrics.ari(truth: labels, prediction: clusters), recorded.ari),
        ]
        let differences = recomputed.filter { !Self.agree($0.1, $0.2) }
            .map { "\($0.0) recomputed \($0.1), result.json has \($0.2.map { String($0) } ?? "none")" }
        if !differences.isEmpty { return .failed(differences.joined(separator: "; ")) }
        if let final = result.final, final.source == "end_of_training",
            !(Self.agree(final.acc ?? .nan, recorded.acc) && Self.agree(final.nmi ?? .nan, recorded.nmi)
                && Self.agree(final.ari ?? .nan, recorded.ari))
        {
            return .failed("result.json's final scores differ from its end-of-training scores they were taken from")
        }
        return .passed
    }

    /// Equal within the tolerance; a NaN or a missing value on either side never agrees.
    static func agree(_ recomputed: Double, _ recorded: Double?) -> Bool {
        guard let recorded, !recomputed.isNaN, !recorded.isNaN else { return false }
        return abs(recomputed - recorded) <= tolerance
    }
}
