import ArgumentParser
import Foundation
import RecombineClustering
import RecombineData

/// `recombine metrics --truth FILE --pred FILE`: clustering metrics of two label files.
struct Metrics: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "ACC, NMI, ARI, AMI and purity of predicted clusters against true labels (one integer per line).")

    @Option(
        help:
            "True labels: one integer per line, or a CSV with a header whose 'label' column holds them (predictions.csv)."
    ) var truth: String
    @Option(
        help:
            "Predicted clusters: one integer per line, or a CSV with a header whose 'cluster' column holds them (predictions.csv, predict's output)."
    ) var pred: String
    @Option(help: "NMI/AMI normalisation: arithmetic (default), geometric, min or max.") var average: String =
        "arithmetic"
    @Flag(help: "Print JSON.") var json = false

    /// The integer labels of a file: one per line, or the named column of a CSV file with a header
    /// (read by the project's RFC 4180 reader, so quoting, CRLF and a byte-order mark are handled).
    static func labels(_ path: String, column: String) throws -> [Int] {
        var records: [CSVRecord] = []
        do { try CSVReader(path: path, delimiter: ",").forEachRecord { records.append($0) } } catch {
            throw ValidationError("\(error)")
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
        if json {
            let data = try JSONEncoder().encode(report)
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(
                String(
                    format: "ACC %.4f  NMI(%@) %.4f  ARI %.4f  AMI(%@) %.4f  purity %.4f  (%d samples)", report.acc,
                    average, report.nmi, report.ari, average, report.ami, report.purity, report.samples))
        }
    }
}
