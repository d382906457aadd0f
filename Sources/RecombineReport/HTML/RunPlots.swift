import Foundation
import RecombineClustering
import RecombineMethod
import RecombineTensor

/// The plots of one run, each as (file name, caption, SVG text).
public enum RunPlots {
    public struct Plot { public let file: String; public let caption: String; public let svg: String }

    /// Every plot the run's artefacts allow; `tsnePoints` caps the t-SNE sample (0 computes none).
    /// `existingTSNE` is a t-SNE plot computed before for the same final state: it is kept when no new
    /// one is asked for, or when the new one would have the same number of samples.
    public static func make(
        _ run: RunArtifacts, tsnePoints: Int = RunReport.defaultTSNEPoints, existingTSNE: ExistingTSNE? = nil
    ) -> [Plot] {
        var plots = lossPlots(run)
        if let p = kmeansPlot(run) { plots.append(p) }
        if let p = metricsPlot(run) { plots.append(p) }
        plots += embeddingPlots(run, tsnePoints: tsnePoints, existingTSNE: existingTSNE)
        if let p = confusionPlot(run) { plots.append(p) }
        if let p = nearestImages(run) { plots.append(p) }
        return plots
    }

    static func key(_ o: [String: Any]) -> String { "\(o["dataset"] as? String ?? "")|\(o["phase"] as? String ?? "")" }

    static func slug(_ s: String) -> String { String(s.map { $0.isLetter || $0.isNumber ? $0 : "_" }) }

    /// One chart per dataset and phase: each pattern's loss terms over the phase's iterations. A phase
    /// with `loss_curve` records (a scaled schedule) is drawn from them, else from its `loss` records.
    static func lossPlots(_ run: RunArtifacts) -> [Plot] {
        var order: [String] = [], groups: [String: [[String: Any]]] = [:], curves: [String: [[String: Any]]] = [:]
        for r in run.iterationRecords where r["kind"] as? String != "evaluation" {
            let k = key(r)
            if groups[k] == nil { order.append(k); groups[k] = [] }
            if r["kind"] as? String == "loss_curve" { curves[k, default: []].append(r) } else { groups[k]!.append(r) }
        }
        return order.map { k in
            let scaled = curves[k] != nil
            let records = curves[k] ?? groups[k]!
            var seriesOrder: [String] = [], points: [String: [(Double, Double)]] = [:]
            var termsPerPattern: [String: Set<String>] = [:]
            for r in records {
                termsPerPattern[r["pattern"] as? String ?? "?", default: []].insert(r["term"] as? String ?? "loss")
            }
            for r in records {
                let pattern = r["pattern"] as? String ?? "?"
                // A pattern with one loss is named by the pattern alone; otherwise by pattern and term.
                let name =
                    PatternKind.shortLabel(of: pattern)
                    + (termsPerPattern[pattern]!.count > 1 ? " · " + (r["term"] as? String ?? "loss") : "")
                if points[name] == nil { seriesOrder.append(name) }
                points[name, default: []].append(
                    ((r["iteration"] as? NSNumber)?.doubleValue ?? 0, (r["loss"] as? NSNumber)?.doubleValue ?? .nan))
            }
            let parts = k.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            var chart = LineChart(
                title: "Losses — phase \"\(parts[1])\" on \(parts[0])", xLabel: "iteration in phase",
                yLabel: "running mean loss",
                series: seriesOrder.map { LineChart.Series(name: $0, points: points[$0]!) })
            chart.integerX = true
            let interval =
                scaled
                ? " Running means over the loss report interval scaled like the run's budgets (--iterations-scale)."
                : ""
            return Plot(
                file: "losses_\(slug(parts[0]))_\(slug(parts[1])).svg",
                caption: "Loss of each pattern term in phase \"\(parts[1])\" (dataset \(parts[0]))." + interval,
                svg: chart.svg)
        }
    }

    /// k-means inertia per Lloyd iteration of the best restart, one series per evaluation that ran it.
    static func kmeansPlot(_ run: RunArtifacts) -> Plot? {
        guard !run.kmeansRecords.isEmpty else { return nil }
        var series: [LineChart.Series] = [], current: [(Double, Double)] = []
        for r in run.kmeansRecords {
            let i = (r["iteration"] as? NSNumber)?.doubleValue ?? 0
            if i == 0, !current.isEmpty {
                series.append(.init(name: "k-means \(series.count + 1)", points: current)); current = []
            }
            current.append((i, (r["inertia"] as? NSNumber)?.doubleValue ?? .nan))
        }
        series.append(.init(name: series.isEmpty ? "k-means" : "k-means \(series.count + 1)", points: current))
        var chart = LineChart(
            title: "k-means loss (inertia) per Lloyd iteration", xLabel: "Lloyd iteration", yLabel: "inertia",
            series: series)
        chart.integerX = true
        return Plot(
            file: "kmeans_inertia.svg",
            caption:
                "Sum of squared distances to the nearest centre at each Lloyd iteration of the best restart (the last point: final centres).",
            svg: chart.svg)
    }

    /// ACC, NMI and ARI over the run, phases laid end to end (dashed lines mark phase starts).
    static func metricsPlot(_ run: RunArtifacts) -> Plot? {
        let records = run.evaluationRecords.filter { $0["acc"] != nil }
        guard !records.isEmpty else { return nil }
        let axis = IterationAxis(run.iterationRecords)
        var chart = LineChart(
            title: "Clustering performance over training", xLabel: "iteration (phases end to end)", yLabel: "score",
            series: ["acc", "nmi", "ari"].map { m in
                LineChart.Series(
                    name: m.uppercased(),
                    points: records.map { (axis.x($0), ($0[m] as? NSNumber)?.doubleValue ?? .nan) })
            })
        chart.yDomain = (0, 1)
        chart.integerX = true
        chart.markers = axis.phaseStarts.count > 1 ? axis.phaseStarts.map { (x: $0.x, label: $0.phase) } : []
        return Plot(file: "metrics.svg", caption: "ACC, NMI and ARI at each evaluation.", svg: chart.svg)
    }

    /// A t-SNE plot already in `plots/`, with the number of samples it shows.
    public struct ExistingTSNE {
        public let samples: Int
        public let plot: Plot
    }

    /// The marker a t-SNE SVG carries so a later report can tell how many samples it shows (older
    /// one-panel plots carry another marker and are computed again).
    static func tsneMarker(_ samples: Int) -> String { "<!-- recombine two-panel t-SNE of \(samples) samples -->" }

    static func embeddingPlots(_ run: RunArtifacts, tsnePoints: Int, existingTSNE: ExistingTSNE? = nil) -> [Plot] {
        guard let tensors = run.final?.tensors, let features = tensors["analysis/features"], features.rank == 2,
            features.shape[0] >= 4,
            let sample = run.integers("analysis/sample_indices"),
            let predictions = run.integers("analysis/predictions"),
            sample.count == features.shape[0], sample.allSatisfy(predictions.indices.contains)
        else { return [] }
        let clusters = sample.map { predictions[$0] }
        let labels = run.integers("analysis/labels").flatMap { labels in
            sample.allSatisfy(labels.indices.contains) ? sample.map { labels[$0] } : nil
        }
        let colouring =
            labels == nil
            ? " Coloured by predicted cluster."
            : " Left: coloured by predicted cluster (each cluster in the colour of the true label it is matched with); right: coloured by true label."
        var plots: [Plot] = []
        let centroids = tensors["strategy/centroids"] ?? tensors["kmeans/centroids"]
        if features.shape[1] == 2 {
            var plot = ScatterPlot(
                title: "Features and centroids", points: pairs(features), clusters: clusters, labels: labels)
            if let c = centroids, c.shape.count == 2, c.shape[1] == 2 { plot.centres = pairs(c) }
            plot.xLabel = "feature 1"; plot.yLabel = "feature 2"
            plots.append(
                Plot(
                    file: "features_2d.svg", caption: "The 2-D features with the centroids (crosses)." + colouring,
                    svg: plot.svg))
        }
        if features.shape[1] > 2, let pca = try? PCA(data: features, components: 2) {
            var plot = ScatterPlot(
                title: "PCA of the features", points: pairs(pca.transform(features)), clusters: clusters, labels: labels
            )
            if let c = centroids, c.shape.count == 2, c.shape[1] == features.shape[1] {
                plot.centres = pairs(pca.transform(c.to(features.dtype)))
            }
            plot.xLabel = String(format: "PC 1 (%.0f%% variance)", pca.explainedVarianceRatio[0] * 100)
            plot.yLabel = String(format: "PC 2 (%.0f%% variance)", pca.explainedVarianceRatio[1] * 100)
            plots.append(
                Plot(
                    file: "pca.svg",
                    caption: "First two principal components of the features of \(sample.count) samples." + colouring,
                    svg: plot.svg))
        }
        let m = Swift.min(tsnePoints, features.shape[0])
        if let existingTSNE, tsnePoints == 0 || existingTSNE.samples == m {
            plots.append(
                Plot(
                    file: existingTSNE.plot.file, caption: Self.tsneCaption(existingTSNE.samples) + colouring,
                    svg: existingTSNE.plot.svg))
        } else if features.shape[1] > 2, tsnePoints >= 4 {
            let subset = features.slice(axis: 0, start: 0, end: m)
            if let (embedding, kl) = try? TSNE(perplexity: Swift.min(30, Double(m - 1) / 3)).embed(subset) {
                let plot = ScatterPlot(
                    title: String(format: "t-SNE of the features (KL %.3f)", kl), points: pairs(embedding),
                    clusters: Array(clusters.prefix(m)),
                    labels: labels.map { Array($0.prefix(m)) })
                plots.append(
                    Plot(
                        file: "tsne.svg", caption: Self.tsneCaption(m) + colouring,
                        svg: plot.svg + Self.tsneMarker(m) + "\n"))
            }
        }
        return plots
    }

    static func tsneCaption(_ samples: Int) -> String {
        "Exact t-SNE (perplexity 30) of the features of \(samples) samples."
    }

    static func pairs(_ t: Tensor) -> [(Double, Double)] {
        let v = t.to(.float64).toDoubleArray(), w = t.shape[1]
        return (0..<t.shape[0]).map { (v[$0 * w], v[$0 * w + 1]) }
    }

    /// Counts of true label × predicted cluster, clusters reordered by the Hungarian matching of ACC.
    static func confusionPlot(_ run: RunArtifacts) -> Plot? {
        guard let (labels, predictions) = run.labelledPredictions, labels.count == predictions.count else { return nil }
        let matching = ClusteringMetrics.matching(truth: labels, prediction: predictions)
        let trueLabels = Array(Set(labels)).sorted()
        let clusters = Array(Set(predictions)).sorted { (matching[$0] ?? Int.max, $0) < (matching[$1] ?? Int.max, $1) }
        var counts = Array(repeating: Array(repeating: 0.0, count: clusters.count), count: trueLabels.count)
        let row = Dictionary(uniqueKeysWithValues: trueLabels.enumerated().map { ($1, $0) })
        let col = Dictionary(uniqueKeysWithValues: clusters.enumerated().map { ($1, $0) })
        for (t, p) in zip(labels, predictions) { counts[row[t]!][col[p]!] += 1 }
        var map = Heatmap(
            title: String(
                format: "Confusion matrix (ACC %.3f)",
                ClusteringMetrics.accuracy(truth: labels, prediction: predictions)),
            rowLabels: trueLabels.map(String.init), columnLabels: clusters.map { "c\($0)" }, values: counts)
        map.rowTitle = "true label"; map.columnTitle = "predicted cluster (ordered by the Hungarian matching)"
        return Plot(
            file: "confusion.svg", caption: "Samples per true label and predicted cluster after Hungarian matching.",
            svg: map.svg)
    }

    /// The samples nearest each centroid (or assigned with the highest probability), one row per cluster.
    static func nearestImages(_ run: RunArtifacts) -> Plot? {
        guard let images = run.final?.tensors["analysis/nearest_images"], images.rank == 4,
            let counts = run.final?.metadata["nearest_counts"]?.split(separator: ",").compactMap({ Int($0) })
        else { return nil }
        let c = images.shape[1], h = images.shape[2], w = images.shape[3], size = c * h * w
        let values = images.to(.float32).toFloatArray()
        var rows: [(label: String, images: [[Float]])] = []
        var next = 0
        for (k, n) in counts.enumerated() {
            rows.append(
                ("cluster \(k)", (0..<n).map { i in Array(values[((next + i) * size)..<((next + i + 1) * size)]) }))
            next += n
        }
        var grid = ImageGrid(
            title: "Samples closest to each cluster centre", rows: rows, channels: c, height: h, width: w)
        grid.scale = h <= 32 ? 2 : 1
        return Plot(
            file: "nearest_images.svg",
            caption: "Per cluster, the samples nearest its centroid (or assigned with the highest probability).",
            svg: grid.svg)
    }
}
