/// When a phase ends. Absent criteria are nil.
public struct ExitCriteria: Sendable {
    public struct ThresholdAfterIterations: Sendable { public let value: Double; public let iterations: Int }
    public var iterations: Int?
    public var epochs: Int?
    public var accGreaterThan: Double?
    public var nmiGreaterThan: Double?
    public var ariGreaterThan: Double?
    public var reassignmentRatioLessThan: Double?
    /// `target_distribution_change_mse_lt`: leave when recomputed targets stop moving (DEPICT).
    public var targetChangeLessThan: Double?
    public var accLessThanAfterIterations: ThresholdAfterIterations?
    public var nmiLessThanAfterIterations: ThresholdAfterIterations?
    public var ariLessThanAfterIterations: ThresholdAfterIterations?

    /// An epoch budget alone.
    init(epochs: Int) { self.epochs = epochs }

    init(_ r: SpecReader) {
        iterations = r.int("iterations")
        epochs = r.int("epochs")
        accGreaterThan = r.double("performance_evaluation_acc_gt")
        nmiGreaterThan = r.double("performance_evaluation_nmi_gt")
        ariGreaterThan = r.double("performance_evaluation_ari_gt")
        reassignmentRatioLessThan = r.double("performance_evaluation_cluster_reassignment_ratio_lt")
        targetChangeLessThan = r.double("target_distribution_change_mse_lt")
        func after(_ key: String) -> ThresholdAfterIterations? {
            let c = r.child(key)
            guard let v = c.double("value"), let i = c.int("iterations") else { return nil }
            return ThresholdAfterIterations(value: v, iterations: i)
        }
        accLessThanAfterIterations = after("performance_evaluation_acc_lt_after_iterations")
        nmiLessThanAfterIterations = after("performance_evaluation_nmi_lt_after_iterations")
        ariLessThanAfterIterations = after("performance_evaluation_ari_lt_after_iterations")
    }

    /// Whether the phase can end without any evaluation (an iteration or epoch budget).
    public var hasBudget: Bool { iterations != nil || epochs != nil }
    /// Whether some criterion needs performance evaluations to fire.
    public var needsEvaluations: Bool {
        accGreaterThan != nil || nmiGreaterThan != nil || ariGreaterThan != nil || reassignmentRatioLessThan != nil
            || accLessThanAfterIterations != nil || nmiLessThanAfterIterations != nil
            || ariLessThanAfterIterations != nil
    }
}

/// An optimizer entry of a phase (torch.optim type and arguments, plus what it trains).
public struct OptimizerSpec: Sendable {
    public let type: String
    public let name: String?
    public let trainedMappingNames: [String]
    /// The key the file used for them: `trained_mapping_names` or the reference configs' `trained_mappings`.
    public let trainedMappingsKey: String
    public let groupName: String
    public let optimizesCentroids: Bool
    /// Constructor arguments (`lr`, `momentum`, …).
    public let arguments: JSONObject
    /// `gradient_clipping`: the largest norm and its scope ("global" or "per_tensor"), when given.
    public let gradientClipping: (maxNorm: Double, scope: String)?
    public let pointer: JSONPointer

    init(_ r: SpecReader) {
        type = r.filledString("type")
        name = r.string("name")
        trainedMappingsKey = r.object["trained_mapping_names"] != nil ? "trained_mapping_names" : "trained_mappings"
        trainedMappingNames = r.strings(trainedMappingsKey) ?? []
        groupName = r.filledString("group_name")
        optimizesCentroids = r.filledBool("optimizes_centroids")
        arguments = r.arguments(excluding: [
            "type", "name", "trained_mapping_names", "trained_mappings", "group_name", "optimizes_centroids",
            "gradient_clipping",
        ])
        let clipping = r.child("gradient_clipping")
        gradientClipping =
            r.object["gradient_clipping"] == nil
            ? nil : (clipping.filledDouble("max_norm"), clipping.filledString("scope"))
        pointer = r.pointer
    }
}

/// A learning-rate scheduler attached to a named optimizer.
public struct SchedulerSpec: Sendable {
    public let type: String
    public let optimizerName: String
    /// "epoch" (the reference: stepped once per epoch) or "iteration".
    public let intervalUnit: String
    public let arguments: JSONObject
    public let pointer: JSONPointer
}

/// One entry of an optimizer cycle: these optimizers step for `iterations` iterations.
public struct OptimizerCycleStep: Sendable {
    public let activeOptimizerNames: [String]
    public let iterations: Int
    public let pointer: JSONPointer
}

/// Loading parameters of a mapping at phase entry.
public struct LoadParametersSpec: Sendable {
    public let mappingName: String
    public let path: String
    public let pointer: JSONPointer
}

/// Saving parameters of a mapping periodically during a phase.
public struct SaveParametersSpec: Sendable {
    public let mappingName: String?
    public let savingInterval: Int
    public let pathToFileOrDirectory: String
    public let keepOldFiles: Bool
    public let pointer: JSONPointer
}

/// A design pattern as written in a phase: its id, common settings, and its own options.
public struct PatternSpec: Sendable {
    /// The pattern id (the singular spelling of the reinforcing-assignments id is normalised to the plural).
    public let id: String
    public let enabled: Bool
    public let lossReportInterval: Int?
    public let options: JSONObject
    public let pointer: JSONPointer

    /// The pattern's kind; nil when the id is unknown (the schema reports it).
    public var kind: PatternKind? { PatternKind(rawValue: id) }

    init(_ r: SpecReader) {
        let raw = r.filledString("pattern")
        id = PatternKind(id: raw)?.rawValue ?? raw
        enabled = r.filledBool("enabled")
        lossReportInterval = r.int("loss_report_interval").flatMap { $0 >= 1 ? $0 : nil }
        options = r.arguments(excluding: ["pattern", "enabled", "loss_report_interval"])
        pointer = r.pointer
    }
}

/// Where and how a phase measures the objective-function mismatch (OFM).
public struct MismatchSpec: Sendable {
    /// The mapping whose parameters the gradients are taken with respect to.
    public let featureExtractorName: String
    /// Measure on the training batch every n iterations.
    public let interval: Int?
    /// Measure at every performance evaluation, averaged over full batches of the dataset.
    public let atEvaluation: Bool
    /// At most this many batches per evaluation measurement (all full batches when nil).
    public let evaluationBatches: Int?
    /// Patterns whose terms form the companion loss; every other pattern's terms form the cluster loss.
    public let companionPatterns: [String]
    /// Whether the method file lists the companion patterns (else the default list applies).
    public let companionPatternsGiven: Bool
    /// Also the cosine for every pair of individual loss terms.
    public let pairwise: Bool
    public let pointer: JSONPointer

    public init(
        featureExtractorName: String, interval: Int?, atEvaluation: Bool, evaluationBatches: Int?,
        companionPatterns: [String],
        companionPatternsGiven: Bool, pairwise: Bool, pointer: JSONPointer
    ) {
        self.featureExtractorName = featureExtractorName; self.interval = interval; self.atEvaluation = atEvaluation
        self.evaluationBatches = evaluationBatches; self.companionPatterns = companionPatterns
        self.companionPatternsGiven = companionPatternsGiven; self.pairwise = pairwise; self.pointer = pointer
    }

    public static let defaultCompanionPatterns = [
        PatternKind.companionObjectives, .reconstruction, .denoisingLayerWiseReconstruction,
    ].map(\.rawValue)
}

/// A training phase.
public struct PhaseSpec: Sendable {
    public let name: String
    public let order: Double
    public let enabled: Bool
    public private(set) var exitCriteria: ExitCriteria
    public private(set) var performanceEvaluationInterval: Int?
    /// Whether `performanceEvaluationInterval` counts epochs (evaluated after an epoch's last batch)
    /// rather than iterations.
    public let performanceEvaluationInEpochs: Bool
    /// Whether the state of the evaluation with the lowest evaluation loss is restored at the phase's end.
    public private(set) var restoresLowestLossState: Bool
    public private(set) var loadParameters: [LoadParametersSpec]
    public private(set) var saveParameters: [SaveParametersSpec]
    public private(set) var saveCentroids: SaveParametersSpec?
    public let patterns: [PatternSpec]
    public let optimizers: [OptimizerSpec]
    public let optimizerCycle: [OptimizerCycleStep]
    public let schedulers: [SchedulerSpec]
    public private(set) var mismatch: MismatchSpec?
    /// `initialization_trials`: starts tried before the phase trains.
    public private(set) var initializationTrials: InitializationTrials?
    public let pointer: JSONPointer

    /// Best of `count` initialisations by the evaluation loss after `epochs` epochs, summed over the terms of
    /// `judgedOnPatterns` only when given.
    public struct InitializationTrials: Sendable {
        public let count: Int
        public let epochs: Int
        /// `judged_on_patterns`: pattern ids whose terms judge the trials (nil: every pattern's).
        public let judgedOnPatterns: [String]?
        /// `continue_from_chosen_trial`: the phase goes on from where the chosen trial stopped instead of
        /// training the chosen start again.
        public let continuesFromChosenTrial: Bool

        /// The loss a trial is judged by: the evaluation loss, or the sum of the judged patterns' terms (NaN,
        /// which loses, when those patterns computed no term: an empty sum would make every trial tie at 0).
        public func selectionLoss(total: Double, terms: [(pattern: String, term: String, loss: Double)]) -> Double {
            guard let judged = judgedOnPatterns else { return total }
            let judgedTerms = terms.filter { judged.contains($0.pattern) }
            return judgedTerms.isEmpty ? .nan : judgedTerms.reduce(0) { $0 + $1.loss }
        }
    }

    /// This phase as one initialisation trial trains it: the same patterns, optimizers and schedules for
    /// `epochs` epochs, without evaluations, saved files, loaded parameters, state restoring, mismatch
    /// measurements or trials of its own.
    public func trialVariant(epochs: Int) -> PhaseSpec {
        var trial = self
        trial.exitCriteria = ExitCriteria(epochs: epochs)
        trial.performanceEvaluationInterval = nil
        trial.restoresLowestLossState = false
        trial.loadParameters = []
        trial.saveParameters = []
        trial.saveCentroids = nil
        trial.mismatch = nil
        trial.initializationTrials = nil
        return trial
    }

    init(_ r: SpecReader) {
        name = r.filledString("name")
        order = r.filledDouble("order")
        enabled = r.filledBool("enabled")
        exitCriteria = ExitCriteria(r.child("exit_criteria"))
        performanceEvaluationInterval = r.int("performance_evaluation_interval").flatMap { $0 >= 1 ? $0 : nil }
        performanceEvaluationInEpochs = r.filledString("performance_evaluation_interval_unit") == "epoch"
        restoresLowestLossState = r.filledBool("restore_lowest_loss_state")
        loadParameters = r.items("load_mapping_parameters").map {
            LoadParametersSpec(
                mappingName: $0.filledString("mapping_name"), path: $0.filledString("path_to_file"),
                pointer: $0.pointer)
        }
        func save(_ s: SpecReader) -> SaveParametersSpec {
            SaveParametersSpec(
                mappingName: s.string("mapping_name"), savingInterval: s.filledInt("saving_interval"),
                pathToFileOrDirectory: s.filledString("path_to_file_or_dir"),
                keepOldFiles: s.filledBool("keep_old_files"),
                pointer: s.pointer)
        }
        saveParameters = r.items("save_mapping_parameters").map(save)
        saveCentroids = r.object["save_centroids"] == nil ? nil : save(r.child("save_centroids"))
        patterns = r.items("design_patterns").map(PatternSpec.init)
        optimizers = r.items("optimizers").map(OptimizerSpec.init)
        optimizerCycle = r.items("optimizer_cycle").map {
            OptimizerCycleStep(
                activeOptimizerNames: $0.strings("active_optimizer_names") ?? [],
                iterations: $0.filledInt("num_iterations"), pointer: $0.pointer)
        }
        schedulers = r.items("optimizer_learning_rate_schedulers").map {
            SchedulerSpec(
                type: $0.filledString("type"), optimizerName: $0.filledString("optimizer_name"),
                intervalUnit: $0.filledString("interval_unit"),
                arguments: $0.arguments(excluding: ["type", "optimizer_name", "interval_unit"]), pointer: $0.pointer)
        }
        if r.object["objective_function_mismatch"] != nil {
            let m = r.child("objective_function_mismatch")
            mismatch = MismatchSpec(
                featureExtractorName: m.filledString("feature_extractor_name"),
                interval: m.int("iteration_interval").flatMap { $0 >= 1 ? $0 : nil },
                atEvaluation: m.filledBool("at_evaluation"),
                evaluationBatches: m.int("evaluation_batches").flatMap { $0 >= 1 ? $0 : nil },
                companionPatterns: m.strings("companion_patterns") ?? MismatchSpec.defaultCompanionPatterns,
                // A list equal to the default (as in a run's method.json, defaults filled in) is the default.
                companionPatternsGiven: m.strings("companion_patterns").map {
                    $0 != MismatchSpec.defaultCompanionPatterns
                } ?? false,
                pairwise: m.filledBool("pairwise"), pointer: m.pointer)
        } else {
            mismatch = nil
        }
        if r.object["initialization_trials"] != nil {
            let t = r.child("initialization_trials")
            initializationTrials = InitializationTrials(
                count: t.filledInt("count"), epochs: t.filledInt("epochs"),
                judgedOnPatterns: t.strings("judged_on_patterns"),
                continuesFromChosenTrial: t.filledBool("continue_from_chosen_trial"))
        }
        pointer = r.pointer
    }
}
