import Foundation

/// A readable account of a method: its mappings, strategy and phases (for `recombine describe`).
public struct MethodSummary: Sendable {
    public let spec: MethodSpec
    /// Output shape of each mapping for the first dataset whose sample shape is known (batch axis B).
    public let shapes: [String: [Int]]
    /// The dataset the shapes are for.
    public let shapeDataset: String?
    /// Trainable parameters of each mapping's own layers.
    public let parameterCounts: [String: Int]
    /// Estimated peak memory of training.
    public let memory: MemoryEstimate

    public init(spec: MethodSpec) {
        self.spec = spec
        let dataset = spec.orderedDatasets.first { $0.enabled && SampleShapes.of($0) != nil }
        if let dataset, let shape = SampleShapes.of(dataset) {
            shapes = MethodCompiler.outputShapes(
                spec, sampleShape: shape, numClusters: dataset.numClusters, batch: dataset.batchSize)
            shapeDataset = dataset.name
        } else {
            shapes = [:]; shapeDataset = nil
        }
        parameterCounts = MethodCompiler.parameterCounts(spec)
        memory = MethodCompiler.memoryEstimate(spec)
    }

    var memoryText: String {
        "Estimated peak memory: \(MemoryEstimate.format(memory.peakBytes)) (parameters, gradients and optimizer states \(MemoryEstimate.format(memory.parameterBytes)), "
            + "activations of one step \(MemoryEstimate.format(memory.activationBytes)), data \(MemoryEstimate.format(memory.dataBytes)))"
    }

    func shapeText(_ name: String) -> String {
        var parts: [String] = []
        if let s = shapes[name] { parts.append("output \(s)") }
        if let n = parameterCounts[name] { parts.append("\(n) parameters") }
        return parts.isEmpty ? "" : " — " + parts.joined(separator: ", ")
    }

    func patternLine(_ pattern: PatternSpec) -> String {
        let refs = pattern.options.members.filter {
            $0.key.hasSuffix("_name") || $0.key.hasSuffix("_name_1") || $0.key.hasSuffix("_name_2")
        }
        .map { "\($0.key)=\($0.value.string ?? $0.value.compactText())" }
        let group = pattern.options["loss_optimizer_group_name"]?.string ?? "default"
        return
            "\(pattern.id)\(pattern.enabled ? "" : " (disabled)") → group '\(group)'\(refs.isEmpty ? "" : " [\(refs.joined(separator: ", "))]")"
    }

    public func text() -> String {
        var lines = ["Method \(spec.name)"]
        if let d = spec.description { lines.append("  \(d)") }
        lines.append("Mappings" + (shapeDataset.map { " (shapes for a batch of dataset '\($0)')" } ?? "") + ":")
        for m in spec.mappings {
            lines.append(
                "  \(m.name) (\(m.kind.rawValue))\(m.priorMappingName.map { " after \($0)" } ?? ""): \(m.layers.count) layers\(shapeText(m.name))"
            )
            for layer in m.layers {
                let args = layer.arguments.members.map { "\($0.key)=\($0.value.compactText())" }.joined(separator: ", ")
                lines.append("    \(layer.name.map { "\($0): " } ?? "")\(layer.type)(\(args))")
            }
        }
        let s = spec.strategy
        lines.append(
            "Cluster assignment: \(s.kind.rawValue)"
                + (s.similarityMeasure.map { ", similarity \($0.rawValue)" } ?? "")
                + (s.useCentroidsDuringPhases.isEmpty
                    ? "" : ", centroids initialised by \(s.centroidInitializationStrategy.rawValue)"))
        lines.append("Phases:")
        for p in spec.orderedPhases {
            var budget: [String] = []
            if let i = p.exitCriteria.iterations { budget.append("\(i) iterations") }
            if let e = p.exitCriteria.epochs { budget.append("\(e) epochs") }
            if let t = p.exitCriteria.targetChangeLessThan {
                budget.append(
                    (budget.isEmpty ? "" : "or ")
                        + "until consecutive targets differ by a mean squared difference below \(t)")
            }
            lines.append(
                "  \(p.order.rounded() == p.order ? String(Int(p.order)) : "\(p.order)"). \(p.name)\(p.enabled ? "" : " (disabled)"): \(budget.joined(separator: ", "))"
                    + (p.performanceEvaluationInterval.map {
                        ", evaluate every \($0) \(p.performanceEvaluationInEpochs ? "epochs" : "iterations")"
                    } ?? "")
                    + (p.restoresLowestLossState ? ", ends in the state of its lowest evaluation loss" : "")
                    + (p.initializationTrials.map {
                        ", trains the best of \($0.count) initialisations by the evaluation loss"
                            + ($0.judgedOnPatterns.map { " of \($0.joined(separator: ", "))" } ?? "")
                            + " after \($0.epochs) epochs"
                            + ($0.continuesFromChosenTrial ? ", continued from where it stopped" : "")
                    } ?? ""))
            for pattern in p.patterns { lines.append("    pattern \(patternLine(pattern))") }
            if let m = p.mismatch {
                let when = [
                    m.interval.map { "every \($0) iterations" },
                    m.atEvaluation
                        ? "at evaluations (\(m.evaluationBatches.map { "\($0) batches" } ?? "all full batches"))" : nil,
                ].compactMap { $0 }
                lines.append(
                    "    objective-function mismatch on '\(m.featureExtractorName)' \(when.joined(separator: " and "))\(m.pairwise ? ", pairwise" : "")"
                )
            }
            for o in p.optimizers {
                let args = o.arguments.members.map { "\($0.key)=\($0.value.compactText())" }.joined(separator: ", ")
                let clipping = o.gradientClipping.map {
                    ", gradients clipped to norm \(String(format: "%g", $0.maxNorm)) (\($0.scope == "global" ? "all together" : "each tensor"))"
                }
                lines.append(
                    "    optimizer \(o.name ?? o.type) [group '\(o.groupName)']: \(o.type)(\(args)) on \(o.trainedMappingNames.joined(separator: ", "))\(o.optimizesCentroids ? " + centroids" : "")\(clipping ?? "")"
                )
            }
        }
        lines.append("Datasets:")
        for d in spec.orderedDatasets {
            lines.append(
                "  \(d.name): \(d.dataset), batch \(d.batchSize), \(d.numClusters) clusters, phases \(d.phases?.joined(separator: ", ") ?? "all")"
                    + (d.batchAugmentations.isEmpty
                        ? "" : ", augmentations \(d.batchAugmentations.map(\.name).joined(separator: ", "))"))
        }
        lines.append(memoryText)
        return lines.joined(separator: "\n")
    }

    public func dot() -> String {
        var lines = ["digraph \"\(spec.name)\" {", "  rankdir=LR;", "  node [shape=box, fontname=Helvetica];"]
        for m in spec.mappings {
            lines.append(
                "  \"\(m.name)\" [label=\"\(m.name)\\n\(m.kind.rawValue)\\n\(m.layers.count) layers, \(parameterCounts[m.name] ?? 0) parameters\(shapes[m.name].map { "\\n→ \($0)" } ?? "")\"];"
            )
            if let prior = m.priorMappingName { lines.append("  \"\(prior)\" -> \"\(m.name)\" [label=\"prior\"];") }
        }
        for p in spec.phases {
            for (i, pattern) in p.patterns.enumerated() {
                let node = "\(p.name)#\(i)"
                lines.append(
                    "  \"\(node)\" [shape=ellipse, label=\"\(p.name)\\n\(pattern.id.split(separator: "_").prefix(4).joined(separator: " "))…\"];"
                )
                for member in pattern.options.members {
                    if let name = member.value.string, spec.mapping(named: name) != nil {
                        lines.append("  \"\(name)\" -> \"\(node)\" [label=\"\(member.key)\"];")
                    }
                }
            }
        }
        lines.append("}")
        return lines.joined(separator: "\n")
    }

    public func json() -> JSONValue {
        .object(
            JSONObject([
                ("name", .string(spec.name)),
                ("estimated_peak_memory_bytes", .double(memory.peakBytes)),
                (
                    "mappings",
                    .array(
                        spec.mappings.map { m in
                            .object(
                                JSONObject([
                                    ("name", .string(m.name)), ("type", .string(m.kind.rawValue)),
                                    ("parameters", .int(Int64(parameterCounts[m.name] ?? 0))),
                                    (
                                        "output_shape",
                                        shapes[m.name].map { .array($0.map { .int(Int64($0)) }) } ?? .null
                                    ),
                                    ("prior_mapping_name", m.priorMappingName.map(JSONValue.string) ?? .null),
                                    (
                                        "layers",
                                        .array(
                                            m.layers.map { l in
                                                .object(
                                                    JSONObject([
                                                        ("type", .string(l.type)),
                                                        ("name", l.name.map(JSONValue.string) ?? .null),
                                                        ("arguments", .object(l.arguments)),
                                                    ]))
                                            })
                                    ),
                                ]))
                        })
                ),
                ("cluster_assignment_strategy", .object(spec.strategy.options)),
                (
                    "phases",
                    .array(
                        spec.orderedPhases.map { p in
                            .object(
                                JSONObject([
                                    ("name", .string(p.name)),
                                    ("patterns", .array(p.patterns.map { .string(patternLine($0)) })),
                                    (
                                        "optimizer_groups",
                                        .array(Array(Set(p.optimizers.map(\.groupName))).sorted().map(JSONValue.string))
                                    ),
                                ]))
                        })
                ),
                ("datasets", .array(spec.orderedDatasets.map { .string($0.name) })),
            ]))
    }
}
