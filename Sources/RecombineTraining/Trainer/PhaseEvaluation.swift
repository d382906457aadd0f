import Foundation
import RecombineClustering
import RecombineData
import RecombineMethod
import RecombineNN
import RecombineTensor

/// A phase's evaluations: cluster assignments of every sample (by the strategy, or by k-means on the
/// features after a `classical_clustering_in_feature_space_after_phase` phase), ACC/NMI/ARI against the
/// labels, the reassignment ratio since the previous evaluation, and what the exit criteria read.
final class PhaseEvaluation {
    let method: MethodSpec
    let phase: PhaseSpec
    let dataset: DatasetContext
    let mappings: MappingSet
    let strategy: ClusterAssignment
    let log: RunLog
    let progress: ProgressLine

    /// The evaluations of this phase so far.
    var records: [EvaluationRecord] = []
    /// The last evaluation's scores (0 before the first) and reassignment ratio (1 before the second).
    var lastACC = 0.0, lastNMI = 0.0, lastARI = 0.0, lastRatio = 1.0
    var lastAssignments: [Int]? = nil

    init(
        method: MethodSpec, phase: PhaseSpec, dataset: DatasetContext, mappings: MappingSet,
        strategy: ClusterAssignment, log: RunLog, progress: ProgressLine
    ) {
        self.method = method; self.phase = phase; self.dataset = dataset; self.mappings = mappings
        self.strategy = strategy; self.log = log; self.progress = progress
    }

    var sweep: DatasetSweep { DatasetSweep(dataset: dataset, mappings: mappings, strategy: strategy) }

    /// Scores the phase's current state on every sample of the dataset: logs it, appends it to
    /// `records` and writes an `evaluation` record.
    /// `restoredFrom` marks the evaluation of a state put back by `restore_lowest_loss_state` (the epoch
    /// and phase iteration it was kept at): its log line and record say so, and it adds nothing to the
    /// classifiers' selection history.
    func evaluate(
        epoch: Int, epochIteration: Int, phaseIteration: Int, restoredFrom: (epoch: Int, phaseIteration: Int)? = nil
    ) throws {
        let data = dataset.data
        progress.status("\(phase.name): evaluating on \(data.count) samples of \"\(dataset.spec.name)\"")
        let predictions: [Int]
        mappings.train(false)
        defer { mappings.train(true) }
        if method.strategy.kind == .classicalClusteringAfterPhase {
            let z = strategy.allFeatures(data, pipeline: dataset.main)
            let fit = try KMeans(
                k: dataset.spec.numClusters, nInit: method.strategy.classicalClusteringAfterPhaseNumRestarts,
                seed: dataset.seed, processes: strategy.group
            ).fit(z)
            predictions = fit.labels
            // The k-means loss curve (inertia per Lloyd iteration of the best restart).
            for (i, inertia) in fit.inertiaHistory.enumerated() {
                log.record([
                    "kind": "kmeans", "phase": phase.name, "dataset": dataset.spec.name, "iteration": i,
                    "inertia": inertia,
                    "restart": fit.bestRun,
                ])
            }
        } else {
            predictions = try sweep.softAssignments().argmax(axis: 1)
        }
        if let previous = lastAssignments {
            lastRatio = ClusteringMetrics.reassignmentRatio(previous: previous, current: predictions)
        }
        lastAssignments = predictions
        var record = EvaluationRecord(
            dataset: dataset.spec.name, phase: phase.name, iteration: phaseIteration, epoch: epoch, acc: nil, nmi: nil,
            ari: nil,
            reassignmentRatio: lastRatio)
        if let labels = data.labels, method.strategy.kind == .classifier, restoredFrom == nil {
            let classifiers = mappings.mappings.filter { $0.spec.kind.isClassifier }
            if classifiers.count > 1 {
                for classifier in classifiers {
                    let own = try sweep.softAssignments(classifierName: classifier.name).argmax(axis: 1)
                    let a = ClusteringMetrics.accuracy(truth: labels, prediction: own),
                        n = ClusteringMetrics.nmi(truth: labels, prediction: own),
                        r = ClusteringMetrics.ari(truth: labels, prediction: own)
                    strategy.classifierHistory[classifier.name, default: []].append((a, n, r))
                    log.line(
                        String(
                            format:
                                "Performance on epoch %d, iteration %d of classifier \"%@\": ACC %.3f, NMI %.3f, ARI %.3f",
                            epoch, epochIteration, classifier.name, a, n, r))
                }
            }
        }
        if let labels = data.labels {
            let acc = ClusteringMetrics.accuracy(truth: labels, prediction: predictions)
            let nmi = ClusteringMetrics.nmi(truth: labels, prediction: predictions),
                ari = ClusteringMetrics.ari(truth: labels, prediction: predictions)
            lastACC = acc; lastNMI = nmi; lastARI = ari
            record = EvaluationRecord(
                dataset: dataset.spec.name, phase: phase.name, iteration: phaseIteration, epoch: epoch, acc: acc,
                nmi: nmi, ari: ari,
                reassignmentRatio: lastRatio)
            if let restoredFrom {
                log.line(
                    String(
                        format:
                            "Performance of the restored state (epoch %d, phase iteration %d) at the end of phase \"%@\": ACC %.3f, NMI %.3f, ARI %.3f",
                        restoredFrom.epoch, restoredFrom.phaseIteration, phase.name, acc, nmi, ari))
            } else if epoch == 0 {
                log.line(
                    String(
                        format:
                            "Performance after phase \"%@\" (k-means on the features): ACC %.3f, NMI %.3f, ARI %.3f",
                        phase.name, acc, nmi, ari))
            } else {
                log.line(
                    String(
                        format: "Performance on epoch %d, iteration %d: ACC %.3f, NMI %.3f, ARI %.3f", epoch,
                        epochIteration, acc, nmi, ari))
            }
        } else {
            log.line("Evaluated epoch \(epoch), iteration \(epochIteration) (no labels)")
        }
        records.append(record)
        var entry: [String: Any] = [
            "kind": "evaluation", "phase": phase.name, "dataset": dataset.spec.name, "epoch": epoch,
            "iteration": phaseIteration,
            "reassignment_ratio": lastRatio, "nmi_average_method": "arithmetic",
        ]
        if let a = record.acc { entry["acc"] = a; entry["nmi"] = record.nmi!; entry["ari"] = record.ari! }
        if let restoredFrom {
            entry["restored_from_epoch"] = restoredFrom.epoch
            entry["restored_from_iteration"] = restoredFrom.phaseIteration
        }
        log.record(entry)
    }

}
