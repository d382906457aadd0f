import Foundation
import RecombineData
import RecombineNN

/// `predictions.csv`: the cluster of every sample of a dataset as training left it — header
/// `index,cluster` (and `label` when the dataset has labels), one row per sample, `index` being the
/// sample's position in the dataset's files (a dataset limited to a sample range starts at its first).
public enum PredictionsFile {
    public static let fileName = "predictions.csv"

    /// The file's text for `predictions` (and their true `labels`), rows numbered from `firstIndex`.
    public static func text(predictions: [Int], labels: [Int]?, firstIndex: Int) -> String {
        var out = labels == nil ? "index,cluster\n" : "index,cluster,label\n"
        out.reserveCapacity(out.utf8.count + predictions.count * 12)
        for (i, cluster) in predictions.enumerated() {
            out += "\(firstIndex + i),\(cluster)"
            if let labels { out += ",\(labels[i])" }
            out += "\n"
        }
        return out
    }

    /// Writes the file into `directory` atomically.
    static func write(directory: String, predictions: [Int], data: Dataset) throws {
        let firstIndex = (data as? SubsetDataset)?.offset ?? 0
        let text = text(predictions: predictions, labels: data.labels, firstIndex: firstIndex)
        try AtomicFile.write(Data(text.utf8), to: (directory as NSString).appendingPathComponent(fileName))
    }

    /// One row of the file.
    public struct Row { public let index: Int, cluster: Int, label: Int? }

    /// The rows of a predictions.csv; the error names a wrong header or row.
    public static func rows(_ data: Data) throws -> [Row] {
        guard let text = String(data: data, encoding: .utf8) else {
            throw TrainingError("predictions.csv is not UTF-8 text")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        guard let header = lines.first, header == "index,cluster" || header == "index,cluster,label" else {
            throw TrainingError(
                "predictions.csv's header is \(lines.first.map(String.init) ?? "missing"), expected index,cluster[,label]"
            )
        }
        let width = header.split(separator: ",").count
        lines.removeFirst()
        return try lines.enumerated().map { n, line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
            guard fields.count == width, !fields.contains(where: { $0 == nil }) else {
                throw TrainingError("predictions.csv row \(n + 1) is not \(header): '\(line)'")
            }
            return Row(index: fields[0]!, cluster: fields[1]!, label: width == 3 ? fields[2]! : nil)
        }
    }
}
