import ArgumentParser
import Foundation
import RecombineClustering

/// `recombine metrics --truth FILE --pred FILE`: clustering metrics of two label files.
struct Metrics: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "ACC, NMI, ARI, AMI and purity of predicted clusters against true labels (one integer per line).")

    @Option(help: "File of true labels, one integer per line.") var truth: String
    @Option(help: "File of predicted clusters, one integer per line.") var pred: String
    @Option(help: "NMI/AMI normalisation: arithmetic (default), geometric, min or max.") var average: String = "arithmetic"
    @Flag(help: "Print JSON.") var json = false

    static func labels(_ path: String) throws -> [Int] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ValidationError("cannot read \(path)") }
        return try text.split(whereSeparator: \.isNewline).enumerated().compactMap { index, line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { return nil }
            guard let v = Int(trimmed) else { throw ValidationError("\(path):\(index + 1): '\(trimmed)' is not an integer label") }
            return v
        }
    }

    func run() throws {
        guard let method = AverageMethod(rawValue: average) else { throw ValidationError("--average must be one of arithmetic, geometric, min, max") }
        let t = try Self.labels(truth), p = try Self.labels(pred)
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
