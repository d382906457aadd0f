/// Cross-reference checks the schema cannot express (B2, B12, B19, B21 in Docs/reference-differences.md): every name a
/// method file uses resolves, names are unique, `prior_mapping_name` chains end, and every phase
/// can end.
struct ReferenceChecks {
    let method: MethodSpec
    var issues: [PointerIssue] = []

    /// Pattern options that name a mapping.
    static let mappingReferenceKeys: Set<String> = [
        "encoder_name", "decoder_name", "classifier_name", "contrastive_learning_head_name", "critic_name",
        "discriminator_name", "associated_feature_extractor_name", "associated_encoder_name", "associated_decoder_name",
        "feature_extractor_name", "clustering_head_name", "head_name", "mapping_name",
    ]
    /// Pattern options that name a batch augmentation.
    static let augmentationReferenceKeys: Set<String> = [
        "batch_augmentation_name", "batch_augmentation_name_1", "batch_augmentation_name_2",
    ]

    init(method: MethodSpec) {
        self.method = method
        checkUniqueNames()
        checkMappings()
        checkStrategy()
        for (index, phase) in method.phases.enumerated() { checkPhase(phase, index: index) }
        checkDatasets()
    }

    mutating func report(_ pointer: JSONPointer, _ message: String) {
        issues.append(PointerIssue(pointer: pointer, message: message))
    }

    mutating func unknownName(_ kind: String, _ name: String, among candidates: [String], at pointer: JSONPointer) {
        let known =
            candidates.isEmpty
            ? " The method declares no \(kind)s."
            : " Known \(kind)s: \(candidates.map { "'\($0)'" }.joined(separator: ", "))."
        report(pointer, "unknown \(kind) '\(name)'." + Suggestions.hint(for: name, among: candidates) + known)
    }

    var mappingNames: [String] { method.mappings.map(\.name) }
    var phaseNames: [String] { method.phases.map(\.name) }

    mutating func checkUniqueNames() {
        func duplicates<T>(_ items: [T], _ name: (T) -> String, _ pointer: (T) -> JSONPointer, _ kind: String) {
            var first: [String: Int] = [:]
            for (i, item) in items.enumerated() {
                if let j = first[name(item)] {
                    report(
                        pointer(item).appending("name"),
                        "duplicate \(kind) name '\(name(item))' (also the name of \(kind) \(j)); names must be unique")
                } else {
                    first[name(item)] = i
                }
            }
        }
        duplicates(method.mappings, \.name, \.pointer, "mapping")
        duplicates(method.phases, \.name, \.pointer, "phase")
        duplicates(method.datasets, \.name, \.pointer, "dataset")
        for dataset in method.datasets {
            duplicates(dataset.batchAugmentations, \.name, \.pointer, "batch augmentation")
        }
        for mapping in method.mappings {
            var seen = Set<String>()
            for layer in mapping.layers {
                if let n = layer.name, !seen.insert(n).inserted {
                    report(layer.pointer.appending("name"), "duplicate layer name '\(n)' in mapping '\(mapping.name)'")
                }
            }
        }
    }

    mutating func checkMappings() {
        for mapping in method.mappings {
            let layerNames = mapping.layers.compactMap(\.name)
            for (i, entry) in mapping.layerInitialization.enumerated() {
                for (j, name) in entry.layerNames.enumerated() where !layerNames.contains(name) {
                    report(
                        mapping.pointer.appending("layer_initialization").appending(i).appending("layer_names")
                            .appending(j),
                        "no layer named '\(name)' in mapping '\(mapping.name)'."
                            + Suggestions.hint(for: name, among: layerNames))
                }
            }
            if let softmax = mapping.softmaxLayerName, !layerNames.contains(softmax) {
                report(
                    mapping.pointer.appending("softmax_layer_name"),
                    "no layer named '\(softmax)' in mapping '\(mapping.name)'."
                        + Suggestions.hint(for: softmax, among: layerNames))
            }
            if let prior = mapping.priorMappingName {
                if method.mapping(named: prior) == nil {
                    unknownName(
                        "mapping", prior, among: mappingNames, at: mapping.pointer.appending("prior_mapping_name"))
                } else {
                    var chain = [mapping.name], current = prior
                    while let next = method.mapping(named: current) {
                        if chain.contains(current) {
                            report(
                                mapping.pointer.appending("prior_mapping_name"),
                                "prior_mapping_name forms a cycle: \((chain + [current]).joined(separator: " → "))")
                            break
                        }
                        chain.append(current)
                        guard let p = next.priorMappingName else { break }
                        current = p
                    }
                }
            }
            if let fe = mapping.associatedFeatureExtractorName {
                if let target = method.mapping(named: fe) {
                    if target.kind != .featureExtractor {
                        report(
                            mapping.pointer.appending("associated_feature_extractor_name"),
                            "mapping '\(fe)' is a \(target.kind.rawValue), not a feature_extractor")
                    }
                } else {
                    unknownName(
                        "mapping", fe, among: mappingNames,
                        at: mapping.pointer.appending("associated_feature_extractor_name"))
                }
            }
            if mapping.kind == .featureSpaceClassifier && mapping.associatedFeatureExtractorName == nil
                && !method.mappings.contains(where: { $0.kind == .featureExtractor })
            {
                report(
                    mapping.pointer,
                    "feature_space_classifier '\(mapping.name)' needs a feature extractor, but the method declares no mapping of type feature_extractor"
                )
            }
        }
    }

    mutating func checkStrategy() {
        let s = method.strategy, at = s.pointer
        for (i, phase) in s.useCentroidsDuringPhases.enumerated() where !phaseNames.contains(phase) {
            unknownName("phase", phase, among: phaseNames, at: at.appending("use_centroids_during_phases").appending(i))
        }
        if let phase = s.classicalClusteringAfterPhase, !phaseNames.contains(phase) {
            let key =
                s.options["classical_clustering_in_feature_space_after_phase"] != nil
                ? "classical_clustering_in_feature_space_after_phase" : "classical_clustering_after_phase"
            unknownName("phase", phase, among: phaseNames, at: at.appending(key))
        }
        if let fe = s.associatedFeatureExtractorName, method.mapping(named: fe) == nil {
            unknownName("mapping", fe, among: mappingNames, at: at.appending("associated_feature_extractor_name"))
        }
        let classifiers = method.mappings.filter { $0.kind.isClassifier }
        if s.kind == .classifier {
            if classifiers.isEmpty {
                report(
                    at.appending("type"),
                    "the 'classifier' strategy needs a mapping of type feature_space_classifier or sample_space_classifier; the method declares none"
                )
            }
            if s.classifierSelectionCriterion == "name" {
                if let n = s.classifierName {
                    if !classifiers.contains(where: { $0.name == n }) {
                        unknownName(
                            "classifier", n, among: classifiers.map(\.name), at: at.appending("classifier_name"))
                    }
                } else {
                    report(
                        at, "missing 'classifier_name' (required because 'classifier_selection_criterion' is \"name\")")
                }
            }
        }
        if s.kind != .classifier && !method.mappings.contains(where: { $0.kind == .featureExtractor })
            && s.associatedFeatureExtractorName == nil
        {
            report(
                at.appending("type"),
                "the '\(s.kind.rawValue)' strategy works in a feature space, but the method declares no mapping of type feature_extractor"
            )
        }
    }

    mutating func checkPhase(_ phase: PhaseSpec, index: Int) {
        let at = phase.pointer
        let criteria = phase.exitCriteria
        if !criteria.hasBudget && !criteria.needsEvaluations && criteria.targetChangeLessThan == nil {
            report(
                at.appending("exit_criteria"),
                "phase '\(phase.name)' has no exit criterion that can end it (give 'iterations' or 'epochs')")
        } else if criteria.needsEvaluations && phase.performanceEvaluationInterval == nil {
            report(
                at.appending("exit_criteria"),
                "phase '\(phase.name)' has performance-based exit criteria but no 'performance_evaluation_interval', so they can never fire"
            )
        }
        if criteria.targetChangeLessThan != nil,
            !phase.patterns.contains(where: {
                $0.enabled && $0.kind == .targetDivergence
                    && $0.options["target_distribution_rule"]?.string != "initial_clustering_labels"
            })
        {
            report(
                at.appending("exit_criteria").appending("target_distribution_change_mse_lt"),
                "phase '\(phase.name)' ends when its target distribution stops changing, but none of its enabled design patterns recomputes one (expected '\(PatternKind.targetDivergence.rawValue)' with a target_distribution_rule other than initial_clustering_labels)"
            )
        }
        if let initializationTrials = phase.initializationTrials {
            let trials = at.appending("initialization_trials")
            let ids = phase.patterns.filter(\.enabled).map(\.id)
            for (i, id) in (initializationTrials.judgedOnPatterns ?? []).enumerated() where !ids.contains(id) {
                report(
                    trials.appending("judged_on_patterns").appending(i),
                    "phase '\(phase.name)' judges its initialization trials on design pattern '\(id)', but has no enabled pattern of that name."
                        + Suggestions.hint(for: id, among: ids))
            }
            let centroidPhases = method.strategy.useCentroidsDuringPhases
            if centroidPhases.contains(phase.name),
                let earlier = method.phases.first(where: {
                    $0.enabled && $0.order < phase.order && centroidPhases.contains($0.name)
                })
            {
                report(
                    trials,
                    "phase '\(phase.name)' tries several initialisations, but its centroids come from phase '\(earlier.name)', which trained one of them; try initialisations in the first phase that uses centroids (each trial then initialises its own)"
                )
            }
            let trained = Set(phase.optimizers.flatMap(\.trainedMappingNames))
            for load in phase.loadParameters where trained.contains(load.mappingName) {
                report(
                    trials,
                    "phase '\(phase.name)' tries several initialisations of mapping '\(load.mappingName)', but also loads its parameters (load_mapping_parameters); do one or the other"
                )
            }
        }
        if phase.restoresLowestLossState && phase.performanceEvaluationInterval == nil {
            report(
                at.appending("restore_lowest_loss_state"),
                "phase '\(phase.name)' restores the state of its lowest evaluation loss, but has no 'performance_evaluation_interval', so it never evaluates"
            )
        }
        // Centroid assignments need centroids: an evaluation before any phase that initialises them fails.
        if method.strategy.kind == .centroidSimilarity, phase.enabled, phase.performanceEvaluationInterval != nil,
            !method.phases.contains(where: {
                $0.order <= phase.order && method.strategy.useCentroidsDuringPhases.contains($0.name)
            })
        {
            report(
                at.appending("performance_evaluation_interval"),
                "phase '\(phase.name)' evaluates cluster assignments, but the centroid strategy has no centroids yet: list it (or an earlier phase) in use_centroids_during_phases, or evaluate in a later phase"
            )
        }
        for (i, load) in phase.loadParameters.enumerated() where method.mapping(named: load.mappingName) == nil {
            unknownName(
                "mapping", load.mappingName, among: mappingNames,
                at: at.appending("load_mapping_parameters").appending(i).appending("mapping_name"))
        }
        for (i, save) in phase.saveParameters.enumerated() {
            if let m = save.mappingName, method.mapping(named: m) == nil {
                unknownName(
                    "mapping", m, among: mappingNames,
                    at: at.appending("save_mapping_parameters").appending(i).appending("mapping_name"))
            }
        }
        if let mismatch = phase.mismatch {
            let p = at.appending("objective_function_mismatch")
            if method.mapping(named: mismatch.featureExtractorName) == nil {
                unknownName(
                    "mapping", mismatch.featureExtractorName, among: mappingNames,
                    at: p.appending("feature_extractor_name"))
            }
            if mismatch.interval == nil && !mismatch.atEvaluation {
                report(
                    p,
                    "the objective-function mismatch is never measured: give iteration_interval, or at_evaluation: true"
                )
            }
            let ids = phase.patterns.filter(\.enabled).map(\.id)
            for (i, id) in mismatch.companionPatterns.enumerated()
            where mismatch.companionPatternsGiven && !ids.contains(id) {
                report(
                    p.appending("companion_patterns").appending(i),
                    "phase '\(phase.name)' has no enabled design pattern '\(id)'."
                        + Suggestions.hint(for: id, among: ids))
            }
            if !ids.contains(where: mismatch.companionPatterns.contains)
                || ids.allSatisfy(mismatch.companionPatterns.contains)
            {
                report(
                    p,
                    "the mismatch needs both a companion loss and a cluster loss, but every enabled pattern of phase '\(phase.name)' is \(ids.contains(where: mismatch.companionPatterns.contains) ? "a companion" : "a cluster-loss pattern") (companion_patterns: \(mismatch.companionPatterns.joined(separator: ", ")))"
                )
            }
            if mismatch.atEvaluation && phase.performanceEvaluationInterval == nil {
                report(
                    p.appending("at_evaluation"),
                    "phase '\(phase.name)' has no performance_evaluation_interval, so there is no evaluation to measure the mismatch at"
                )
            }
        }
        var optimizerNames: [String] = []
        var groups = Set<String>()
        for (i, optimizer) in phase.optimizers.enumerated() {
            let p = at.appending("optimizers").appending(i)
            if let n = optimizer.name {
                if optimizerNames.contains(n) {
                    report(p.appending("name"), "duplicate optimizer name '\(n)' in phase '\(phase.name)'")
                }
                optimizerNames.append(n)
            }
            groups.insert(optimizer.groupName)
            for (j, m) in optimizer.trainedMappingNames.enumerated() where method.mapping(named: m) == nil {
                unknownName(
                    "mapping", m, among: mappingNames, at: p.appending(optimizer.trainedMappingsKey).appending(j))
            }
        }
        for (i, scheduler) in phase.schedulers.enumerated() where !optimizerNames.contains(scheduler.optimizerName) {
            unknownName(
                "optimizer", scheduler.optimizerName, among: optimizerNames,
                at: at.appending("optimizer_learning_rate_schedulers").appending(i).appending("optimizer_name"))
        }
        for (i, step) in phase.optimizerCycle.enumerated() {
            for (j, n) in step.activeOptimizerNames.enumerated() where !optimizerNames.contains(n) {
                unknownName(
                    "optimizer", n, among: optimizerNames,
                    at: at.appending("optimizer_cycle").appending(i).appending("active_optimizer_names").appending(j))
            }
        }
        let enabledPatterns = phase.patterns.filter(\.enabled)
        if !enabledPatterns.isEmpty && phase.optimizers.isEmpty {
            report(
                at.appending("design_patterns"),
                "phase '\(phase.name)' has design patterns but no optimizers, so nothing would be trained")
        }
        let augmentations = augmentationNames(forPhase: phase.name)
        // An optimizer entry the schema refused has no default filled in, group_name included: then which
        // groups exist is unknown, and checking against them would only add a confusing second error.
        let groupsKnown = !phase.optimizers.isEmpty && phase.optimizers.allSatisfy { !$0.groupName.isEmpty }
        for (i, pattern) in phase.patterns.enumerated() {
            let p = at.appending("design_patterns").appending(i)
            for (key, value) in pattern.options.members {
                guard let name = value.string else { continue }
                if Self.mappingReferenceKeys.contains(key), method.mapping(named: name) == nil {
                    unknownName("mapping", name, among: mappingNames, at: p.appending(key))
                }
                if Self.augmentationReferenceKeys.contains(key),
                    !augmentations.isEmpty || !datasetsRunning(phase.name).isEmpty, !augmentations.contains(name)
                {
                    unknownName("batch augmentation", name, among: augmentations, at: p.appending(key))
                }
                if key.hasSuffix("optimizer_group_name"), groupsKnown, !groups.contains(name) {
                    unknownName("optimizer group", name, among: groups.sorted(), at: p.appending(key))
                }
            }
            if pattern.options["loss_optimizer_group_name"] == nil, pattern.enabled, groupsKnown,
                !groups.contains("default"),
                pattern.kind != .adversarialInterpolation
            {
                report(
                    p,
                    "this pattern's loss goes to optimizer group 'default' (no 'loss_optimizer_group_name'), but no optimizer of phase '\(phase.name)' is in that group; groups: \(groups.sorted().map { "'\($0)'" }.joined(separator: ", "))"
                )
            }
            if pattern.kind == .layerWisePretraining { checkLayerWisePairs(pattern, at: p) }
        }
    }

    mutating func checkLayerWisePairs(_ pattern: PatternSpec, at p: JSONPointer) {
        let encoder = pattern.options["encoder_name"]?.string.flatMap { method.mapping(named: $0) }
        let decoder = pattern.options["decoder_name"]?.string.flatMap { method.mapping(named: $0) }
        for (i, pair) in (pattern.options["encoder_decoder_layer_pairs"]?.array ?? []).enumerated() {
            for (key, mapping) in [("encoder_layer_names", encoder), ("decoder_layer_names", decoder)] {
                guard let mapping else { continue }
                let names = mapping.layers.compactMap(\.name)
                for (j, n) in (pair[key]?.array?.compactMap(\.string) ?? []).enumerated() where !names.contains(n) {
                    report(
                        p.appending("encoder_decoder_layer_pairs").appending(i).appending(key).appending(j),
                        "no layer named '\(n)' in mapping '\(mapping.name)'." + Suggestions.hint(for: n, among: names))
                }
            }
        }
    }

    func datasetsRunning(_ phase: String) -> [DatasetSpec] {
        method.datasets.filter { $0.enabled && ($0.phases?.contains(phase) ?? true) }
    }

    /// Augmentation names available in a phase: those defined by every dataset that runs it.
    func augmentationNames(forPhase phase: String) -> [String] {
        let sets = datasetsRunning(phase).map { Set($0.batchAugmentations.map(\.name)) }
        guard let first = sets.first else { return [] }
        return sets.dropFirst().reduce(first) { $0.intersection($1) }.sorted()
    }

    mutating func checkDatasets() {
        // An entry the schema rejected has no defaults filled in; its own error says what is wrong.
        if !method.datasets.isEmpty && method.datasets.allSatisfy(\.disabledInFile) {
            report(JSONPointer(["datasets"]), "every dataset is disabled; nothing would run")
        }
        for dataset in method.datasets {
            for (i, phase) in (dataset.phases ?? []).enumerated() where !phaseNames.contains(phase) {
                unknownName("phase", phase, among: phaseNames, at: dataset.pointer.appending("phases").appending(i))
            }
            if let first = dataset.firstSampleIndex, let last = dataset.lastSampleIndex, last < first {
                report(
                    dataset.pointer.appending("index_of_last_sample_to_use"),
                    "the last sample index (\(last)) is before the first (\(first))")
            }
            if let o = try? dataset.options(DatasetOptions.Builtin.self), o.includeTestSplit, !o.train {
                report(
                    dataset.pointer.appending("include_test_split"),
                    "include_test_split appends the test split to the training split, so it needs train true; found train false (the test split alone is what train false gives)"
                )
            }
        }
    }
}
