import ArgumentParser
import Foundation
import RecombineClustering
import RecombineData

/// `recombine metrics --truth FILE --pred FILE`: clustering metrics of two label files.
struct Metrics: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "ACC, NMI, ARI, AMI and purity of predicted clusters against true labels (label files: see --truth and --pred)."
    )

    @Option(
        help:
            "True labels: one integer per line, a CSV with a header whose 'label' column holds them (predictions.csv, gzipped or not), an .npy vector or an IDX labels file (gzipped or not)."
    ) var truth: String
    @Option(
        help:
            "Predicted clusters: one integer per line, a CSV with a header whose 'cluster' column holds them (predictions.csv, gzipped or not; predict's output), or an .npy vector."
    ) var pred: String
    @Option(help: "NMI/AMI normalisation: arithmetic (default), geometric, min or max.") var average: String =
        "arithmetic"
    @Flag(
        help:
            "Also print the contingency table: a row per predicted cluster (with the true label the ACC matching gives it), a column per true label."
    ) var confusion = false
    @Flag(help: "Print JSON.") var json = false

    /// The counts of every (cluster, label) pair, clusters and labels in increasing order, and each
    /// cluster's label under the ACC matching (nil when it has none).
    static func contingency(truth: [Int], prediction: [Int]) -> (
        clusters: [Int], labels: [Int], counts: [[Int]], matched: [Int?]
    ) {
        let table = Contingency(truth: truth, prediction: prediction)  // rows: labels, columns: clusters
        let clusters = Set(prediction).sorted(), labels = Set(truth).sorted()
        let counts = (0..<table.cols).map { c in (0..<table.rows).map { r in table.counts[r * table.cols + c] } }
        let matching = ClusteringMetrics.matching(truth: truth, prediction: prediction)
        return (clusters, labels, counts, clusters.map { matching[$0] })
    }

    /// The integer labels of a file: an .npy vector, an IDX labels file, one integer per line, or the named
    /// column of a CSV file with a header (read by the project's RFC 4180 reader, so quoting, CRLF and a
    /// byte-order mark are handled).
    static func labels(_ path: String, column: String) throws -> [Int] {
        let binary: [Int]?
        do { binary = try FeatureFiles.binaryLabels(path) } catch { throw ValidationError("\(error)") }
        if let binary {
            guard !binary.isEmpty else { throw ValidationError("\(path) holds no labels") }
            return binary
        }
        var records: [CSVRecord] = []
        do { try CSVReader(path: path, delimiter: ",").forEachRecord { records.append($0) } } catch {
            throw ValidationError("\(error)")
        }
        if let first = records.first,
            first.fields.joined().unicodeScalars.contains(where: {
                $0.properties.generalCategory == .control && $0 != "\t"
            })
        {
            throw ValidationError(
                "\(path): not a label file (binary content; expected text, CSV, an .npy vector or an IDX labels file)")
        }
        var index = 0
        if let header = records.first, header.fields.count > 1 || Int(header.fields.first ?? "") == nil {
            guard let position = header.fields.firstIndex(of: column) else {
                throw ValidationError(
                    "\(path): the header (\(header.fields.joined(separator: ", "))) has no '\(column)' column")
            }
            index = position
            records.removeFirst()
        }
        let values = try records.map { record -> Int in
            guard index < record.fields.count, let v = Int(record.fields[index]) else {
                let field = index < record.fields.count ? record.fields[index] : ""
                throw ValidationError("\(path):\(record.line): '\(field)' is not an integer label")
            }
            return v
        }
        guard !values.isEmpty else { throw ValidationError("\(path) holds no labels") }
        return values
    }

    func run() throws {
        guard let method = AverageMethod(rawValue: average) else {
            throw ValidationError("--average must be one of arithmetic, geometric, min, max")
        }
        let t = try Self.labels(truth, column: "label"), p = try Self.labels(pred, column: "cluster")
        guard t.count == p.count else {
            throw ValidationError("\(truth) has \(t.count) labels but \(pred) has \(p.count)")
        }
        let report = ClusteringMetrics.evaluate(truth: t, prediction: p, average: method)
        let table = confusion ? Self.contingency(truth: t, prediction: p) : nil
        if json {
            var object =
                try JSONSerialization.jsonObject(with: try JSONEncoder().encode(report)) as? [String: Any] ?? [:]
            if let table {
                object["confusion"] = [
                    "clusters": table.clusters, "labels": table.labels, "counts": table.counts,
                    "matched_labels": table.matched.map { $0 as Any? ?? NSNull() },
                ]
            }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print(
            String(
                format: "ACC %.4f  NMI(%@) %.4f  ARI %.4f  AMI(%@) %.4f  purity %.4f  (%d samples)", report.acc,
                average, report.nmi, report.ari, average, report.ami, report.purity, report.samples))
        guard let table else { return }
        let width = max(8, String(table.counts.joined().max() ?? 0).count + 1)
        func cell(_ text: String) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }
        print(cell("cluster") + cell("label") + " |" + table.labels.map { cell(String($0)) }.joined())
        for (i, cluster) in table.clusters.enumerated() {
            print(
                cell(String(cluster)) + cell(table.matched[i].map(String.init) ?? "-") + " |"
                    + table.counts[i].map { cell(String($0)) }.joined())
        }
    }
}
