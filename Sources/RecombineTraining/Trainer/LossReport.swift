import Foundation
import RecombineMethod

/// The losses of a phase as the log and metrics.jsonl show them: every `loss_report_interval`
/// iterations the running mean of each pattern's loss terms since the last report (a `loss` record),
/// and for scaled schedules also the `loss_curve` records (see `add`).
final class LossReport {
    let phase: PhaseSpec
    let dataset: DatasetContext
    let log: RunLog
    let configuration: RunConfiguration
    /// Sums since the last report, by pattern pointer and term (kept in checkpoints).
    var running: [String: (sum: Double, count: Int)] = [:]
    /// Sums since the last `loss_curve` record, by the same keys (kept in checkpoints).
    var curve: [String: (sum: Double, count: Int)] = [:]

    init(phase: PhaseSpec, dataset: DatasetContext, log: RunLog, configuration: RunConfiguration) {
        self.phase = phase; self.dataset = dataset; self.log = log; self.configuration = configuration
    }

    /// Running mean of each loss over the last `loss_report_interval` iterations, including the
    /// current one (the reference skipped it, B9 in Docs/reference-differences.md), to the log and as `loss` records.
    func add(
        pattern: DesignPattern, loss: PatternLoss, value: Double, epoch: Int, epochIteration: Int, phaseIteration: Int,
        learningRates: () -> [String: Double]
    ) {
        guard let interval = pattern.spec.lossReportInterval else { return }
        let key = "\(pattern.spec.pointer)/\(loss.name)"
        var sums = running[key] ?? (0, 0)
        sums.sum += value; sums.count += 1
        if phaseIteration % interval == 0 {
            let mean = sums.sum / Double(sums.count)
            log.line(
                String(
                    format: "Running loss for \"%@\" at epoch %d, iteration %d: %.3f", pattern.spec.id, epoch,
                    epochIteration, mean))
            log.record([
                "kind": "loss", "phase": phase.name, "dataset": dataset.spec.name, "epoch": epoch,
                "iteration": phaseIteration,
                "pattern": pattern.spec.id, "term": loss.name, "loss": mean, "learning_rates": learningRates(),
            ])
            sums = (0, 0)
        }
        running[key] = sums
        // A scaled schedule (--iterations-scale < 1) shortens phases but not the report interval, so a
        // phase could end with one point or none: its loss curve is also recorded at the interval
        // scaled like the budgets (as many points as the full schedule has), as `loss_curve` records.
        let curveInterval = configuration.scaled(interval)
        guard curveInterval < interval else { return }
        var curveSums = curve[key] ?? (0, 0)
        curveSums.sum += value; curveSums.count += 1
        if phaseIteration % curveInterval == 0 {
            log.record([
                "kind": "loss_curve", "phase": phase.name, "dataset": dataset.spec.name, "epoch": epoch,
                "iteration": phaseIteration,
                "pattern": pattern.spec.id, "term": loss.name, "loss": curveSums.sum / Double(curveSums.count),
                "iterations_averaged": curveSums.count,
            ])
            curveSums = (0, 0)
        }
        curve[key] = curveSums
    }
}
