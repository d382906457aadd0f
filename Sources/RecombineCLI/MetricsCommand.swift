import ArgumentParser
import Foundation
import RecombineClustering

/// `recombine metrics --truth FILE --pred FILE`: clustering metrics of two label files.
struct Metrics: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "ACC, NMI, ARI, AMI and purity of predicted clusters against true labels (one integer per line).")

    @Option(help: "True labels: one integer per line, or a CSV with a header whose 'label' column holds them (predictions.csv).") var truth: String
    @Option(help: "Predicted clusters: one integer per line, or a CSV with a header whose 'cluster' column holds them (predictions.csv, predict's output).") var pred: String
    @Option(help: "NMI/AMI normalisation: arithmetic (default), geometric, min or max.") var average: String = "arithmetic"
    @Flag(help: "Print JSON.") var json = false

    /// The integer labels of a file: one per line, or the named column of a CSV file with a header.
    static func labels(_ path: String, column: String) throws -> [Int] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ValidationError("cannot read \(path)") }
        var lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.enumerated().filter { !$0.element.isEmpty }
        var index: Int? = nil
        if let first = lines.first, first.element.contains(",") || Int(first.element) == nil {
            let header = first.element.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard let position = header.firstIndex(of: column) else {
                throw ValidationError("\(path): the header (\(header.joined(separator: ", "))) has no '\(column)' column")
            }
            index = position
            lines.removeFirst()
        }
        let values = try lines.map { number, line -> Int in
            let field = index.map { i -> String in
                let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                return i < fields.count ? fields[i].trimmingCharacters(in: .whitespaces) : ""
            } ?? line
            guard let v = Int(field) else { throw ValidationError("\(path):\(number + 1): '\(field)' is not an integer label") }
            return v
        }
        guard !values.isEmpty else { throw ValidationError("\(path) holds no labels") }
        return values
    }

    func run() throws {
        guard let method = AverageMethod(rawValue: average) else { throw ValidationError("--average must be one of arithmetic, geometric, min, max") }
        let t = try Self.labels(truth, column: "label"), p = try Self.labels(pred, column: "cluster")
        guard t.count == p.count else { throw ValidationError("\(truth) has \(t.count) labels but \(pred) has \(p.count)") }
        let report = ClusteringMetrics.evaluate(truth: t, prediction: p, average: method)
        if json {
            let data = try JSONEncoder().encode(report)
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(String(format: "ACC %.4f  NMI(%@) %.4f  ARI %.4f  AMI(%@) %.4f  purity %.4f  (%d samples)", report.acc, average, report.nmi, report.ari, average, report.ami, report.purity, report.samples))
        }
    }
}
