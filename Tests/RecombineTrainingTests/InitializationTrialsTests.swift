import Foundation
import RecombineNN
import XCTest

@testable import RecombineTraining

/// `initialization_trials` on the pretraining phase of the miniature DEPICT (`PaperPatternTests.depictMethod()`:
/// dropout encoder and decoder, 4500 samples in batches of 50), evaluated after every epoch with its
/// evaluation loss recorded (`restore_lowest_loss_state`).
final class InitializationTrialsTests: XCTestCase {
    var directories: [URL] = []
    override func tearDown() { for d in directories { try? FileManager.default.removeItem(at: d) } }

    static func method(trials: String?) -> String {
        let settings =
            #""performance_evaluation_interval": 1, "performance_evaluation_interval_unit": "epoch", "restore_lowest_loss_state": true"#
            + (trials.map { #", "initialization_trials": \#($0)"# } ?? "")
        return PaperPatternTests.depictMethod().replacingOccurrences(
            of: #"{"name": "pretraining", "order": 1, "exit_criteria": {"epochs": 3},"#,
            with: #"{"name": "pretraining", "order": 1, "exit_criteria": {"epochs": 3}, \#(settings),"#)
    }

    /// The miniature DEC (`TrainerTests.decMethod()`) without its pretraining (so that every trial starts from
    /// an untrained encoder, as a contrastive method's does): its clustering phase, the first to use centroids,
    /// trains three epochs and evaluates after each with its evaluation loss recorded.
    static func decMethod(trials: String?) -> String {
        let settings =
            #""exit_criteria": {"epochs": 3}, "performance_evaluation_interval": 1, "performance_evaluation_interval_unit": "epoch", "restore_lowest_loss_state": true"#
            + (trials.map { #", "initialization_trials": \#($0)"# } ?? "")
        return TrainerTests.decMethod().replacingOccurrences(
            of: #""exit_criteria": {"iterations": 40}, "performance_evaluation_interval": 20,"#, with: settings + ","
        ).replacingOccurrences(
            of: #"{"name": "pretraining", "order": 1,"#, with: #"{"name": "pretraining", "order": 1, "enabled": false,"#
        )
    }

    func run(_ text: String) throws -> (records: [[String: Any]], log: String) {
        try runMethodTextReadingOutputs(text, directories: &directories)
    }

    static func values(_ records: [[String: Any]], kind: String, field: String) -> [Double] {
        records.filter { $0["kind"] as? String == kind && $0["phase"] as? String != "clustering" }.map {
            ($0[field] as? NSNumber)?.doubleValue ?? .nan
        }
    }

    /// The phase trains from the trial with the lowest loss, with everything else reset: after the same
    /// number of epochs its evaluation loss is that trial's, to the last bit; the first trial is the run's
    /// own initialisation, so a run without trials reaches the first trial's loss.
    func testThePhaseTrainsFromTheTrialWithTheLowestEvaluationLoss() throws {
        XCTAssertTrue(Self.method(trials: "{}").contains(#""initialization_trials": {}"#))
        let (records, log) = try run(Self.method(trials: #"{"count": 3, "epochs": 1}"#))
        let trials = Self.values(records, kind: "initialization_trial", field: "evaluation_loss")
        XCTAssertEqual(trials.count, 3)
        XCTAssertTrue(trials.allSatisfy(\.isFinite), "\(trials)")
        XCTAssertEqual(Set(trials).count, 3, "the trials start from different initialisations: \(trials)")
        let best = try XCTUnwrap(trials.indices.min { trials[$0] < trials[$1] })
        let phaseLosses = Self.values(records, kind: "evaluation_loss", field: "loss")
        XCTAssertEqual(phaseLosses.count, 3)
        XCTAssertEqual(phaseLosses.first, trials[best])
        XCTAssertTrue(
            log.contains(#"Phase "pretraining" trains from initialization trial \#(best + 1) of 3 (the lowest"#), log)
        XCTAssertTrue(log.contains(#"Initialization trial 3 of 3 in phase "pretraining": evaluation loss "#), log)

        let (plain, _) = try run(Self.method(trials: nil))
        XCTAssertEqual(Self.values(plain, kind: "evaluation_loss", field: "loss").first, trials[0])
    }

    /// Each trial's record and each evaluation loss's record list the terms they sum (here DEC's divergence
    /// and a reconstruction added to the miniature DEC's clustering phase), each a mean over the same batches,
    /// so the terms add up to the loss.
    func testEvaluationLossRecordsListTheTermsTheySum() throws {
        let kl = #""target_distribution_recalculation_interval": 10}"#
        let method = Self.decMethod(trials: #"{"count": 2, "epochs": 1}"#).replacingOccurrences(
            of: kl,
            with: kl
                + #", {"pattern": "training_feature_extractor_through_reconstruction_of_samples", "encoder_name": "encoder", "decoder_name": "decoder"}"#
        )
        XCTAssertTrue(method.contains(#""decoder_name": "decoder"}]"#))
        let (records, _) = try run(method)
        func check(_ kind: String, loss lossField: String, terms termsField: String) throws {
            let chosen = records.filter { $0["kind"] as? String == kind }
            XCTAssertFalse(chosen.isEmpty, kind)
            for record in chosen {
                let loss = try XCTUnwrap((record[lossField] as? NSNumber)?.doubleValue, kind)
                let terms = try XCTUnwrap(record[termsField] as? [[String: Any]], "\(kind): \(record)")
                XCTAssertGreaterThanOrEqual(terms.count, 2, "\(kind): \(terms)")
                let values = terms.map { ($0["loss"] as? NSNumber)?.doubleValue ?? .nan }
                XCTAssertTrue(terms.allSatisfy { $0["pattern"] is String && $0["term"] is String }, "\(terms)")
                XCTAssertTrue(values.allSatisfy(\.isFinite), "\(kind): \(values)")
                XCTAssertEqual(values.reduce(0, +), loss, accuracy: 1e-9 * max(1, abs(loss)), kind)
            }
        }
        try check("initialization_trial", loss: "evaluation_loss", terms: "evaluation_terms")
        try check("evaluation_loss", loss: "loss", terms: "terms")
    }

    /// With `judged_on_patterns` the trials are judged on the named patterns' terms only: each record's
    /// `selection_loss` is the sum of those terms, the phase trains from the trial where it is lowest (its first
    /// evaluation, after the same epoch, gives that trial's terms again). Four trials of DEC's divergence plus a
    /// reconstruction, judged on each; for at least one the sum over every term would have chosen another trial.
    func testTrialsJudgedOnNamedPatternsChooseByTheirTermsAlone() throws {
        let kl = #""target_distribution_recalculation_interval": 10}"#
        let reconstruction = "training_feature_extractor_through_reconstruction_of_samples"
        func method(judgedOn: String) -> String {
            Self.decMethod(trials: #"{"count": 4, "epochs": 1, "judged_on_patterns": [\#(judgedOn)]}"#)
                .replacingOccurrences(
                    of: kl,
                    with: kl
                        + #", {"pattern": "\#(reconstruction)", "encoder_name": "encoder", "decoder_name": "decoder"}"#)
        }
        var choicesAgainstTheTotal = 0
        for judged in [
            reconstruction,
            "encouraging_cluster_formation_by_minimizing_divergence_between_current_and_target_cluster_assignment_distribution",
        ] {
            let (records, log) = try run(method(judgedOn: #""\#(judged)""#))
            let trials = records.filter { $0["kind"] as? String == "initialization_trial" }
            XCTAssertEqual(trials.count, 4)
            var selection: [Double] = [], totals: [Double] = []
            for trial in trials {
                let terms = try XCTUnwrap(trial["evaluation_terms"] as? [[String: Any]])
                let judgedSum = terms.filter { $0["pattern"] as? String == judged }
                    .map { ($0["loss"] as? NSNumber)?.doubleValue ?? .nan }.reduce(0, +)
                XCTAssertEqual(terms.filter { $0["pattern"] as? String == judged }.count, 1, "\(terms)")
                let recorded = try XCTUnwrap((trial["selection_loss"] as? NSNumber)?.doubleValue, "\(trial)")
                XCTAssertEqual(recorded, judgedSum, judged)
                XCTAssertLessThan(recorded, (trial["evaluation_loss"] as? NSNumber)?.doubleValue ?? .nan, judged)
                selection.append(recorded)
                totals.append((trial["evaluation_loss"] as? NSNumber)?.doubleValue ?? .nan)
            }
            XCTAssertEqual(Set(selection).count, 4, "\(selection)")
            let best = try XCTUnwrap(selection.indices.min { selection[$0] < selection[$1] })
            XCTAssertTrue(
                log.contains(
                    #"Phase "clustering" trains from initialization trial \#(best + 1) of 4 (the lowest evaluation loss of \#(judged), "#
                ), log)
            // The phase's first evaluation (after one epoch, as the trials) repeats the chosen trial's judged terms.
            let first = try XCTUnwrap(
                records.first { $0["kind"] as? String == "evaluation_loss" && $0["phase"] as? String == "clustering" })
            let firstTerms = try XCTUnwrap(first["terms"] as? [[String: Any]])
            let firstJudged = firstTerms.filter { $0["pattern"] as? String == judged }
                .map { ($0["loss"] as? NSNumber)?.doubleValue ?? .nan }.reduce(0, +)
            XCTAssertEqual(firstJudged, selection[best], judged)
            if totals.indices.min(by: { totals[$0] < totals[$1] }) != best { choicesAgainstTheTotal += 1 }
        }
        XCTAssertGreaterThan(choicesAgainstTheTotal, 0, "the judged terms must choose differently from the total once")
    }

    /// A pattern named in `judged_on_patterns` must be an enabled pattern of the phase; the error names the
    /// pointer and suggests the nearest name.
    func testTrialsJudgedOnAPatternThePhaseLacksAreRefused() throws {
        let method = Self.decMethod(
            trials:
                #"{"count": 2, "epochs": 1, "judged_on_patterns": ["training_feature_extractor_through_reconstruction_of_sample"]}"#
        )
        XCTAssertThrowsError(try loadMethodText(method, directories: &directories)) {
            XCTAssertTrue(
                "\($0)".contains(
                    "/phases/1/initialization_trials/judged_on_patterns/0: phase 'clustering' judges its initialization trials on design pattern 'training_feature_extractor_through_reconstruction_of_sample', but has no enabled pattern of that name."
                ), "\($0)")
        }
    }

    /// In the first phase that uses centroids, every trial gets centroids of its own start: the first keeps
    /// the run's (a run without trials reaches its loss), the others run the centroid initialisation again on
    /// their fresh encoders, and the phase trains from the chosen trial's start and centroids (its first
    /// evaluation loss is that trial's to the last bit, which fails if any other centroids were left).
    func testTrialsInTheFirstPhaseWithCentroidsEachInitialiseTheirOwnCentroids() throws {
        func clustering(_ records: [[String: Any]], kind: String, field: String) -> [Double] {
            records.filter { $0["kind"] as? String == kind && $0["phase"] as? String == "clustering" }.map {
                ($0[field] as? NSNumber)?.doubleValue ?? .nan
            }
        }
        let (records, log) = try run(Self.decMethod(trials: #"{"count": 3, "epochs": 1}"#))
        let trials = clustering(records, kind: "initialization_trial", field: "evaluation_loss")
        XCTAssertEqual(trials.count, 3)
        XCTAssertTrue(trials.allSatisfy(\.isFinite), "\(trials)")
        XCTAssertEqual(Set(trials).count, 3, "the trials start from different initialisations: \(trials)")
        let best = try XCTUnwrap(trials.indices.min { trials[$0] < trials[$1] })
        XCTAssertNotEqual(best, 0, "a later trial wins, so that its own centroids are what the phase must train from")
        let phaseLosses = clustering(records, kind: "evaluation_loss", field: "loss")
        XCTAssertEqual(phaseLosses.count, 3)
        XCTAssertEqual(phaseLosses.first, trials[best])
        for trial in [2, 3] {
            XCTAssertTrue(log.contains("Initialized feature-space centroids of initialization trial \(trial) ("), log)
        }
        XCTAssertTrue(
            log.contains(#"Phase "clustering" trains from initialization trial \#(best + 1) of 3 (the lowest"#), log)

        let (plain, _) = try run(Self.decMethod(trials: nil))
        XCTAssertEqual(clustering(plain, kind: "evaluation_loss", field: "loss").first, trials[0])
    }

    /// Evaluation records of the clustering phase, by kind: the phase's epoch and the loss (or ACC).
    static func clusteringRecords(_ records: [[String: Any]], kind: String, field: String) -> [(Int, Double)] {
        records.filter { $0["kind"] as? String == kind && $0["phase"] as? String == "clustering" }.map {
            (($0["epoch"] as? NSNumber)?.intValue ?? -1, ($0[field] as? NSNumber)?.doubleValue ?? .nan)
        }
    }

    /// With `continue_from_chosen_trial` the phase goes on from where the chosen trial stopped, with its
    /// parameters, centroids, optimizer state and position in the batches: the miniature DEC's clustering
    /// phase (three epochs) after three trials of one epoch chooses the same trial as without the option, has
    /// no evaluation of the epoch the trial trained, and its evaluations of epochs 2 and 3 are, to the last bit,
    /// those of the run that trains the chosen start again for all three epochs.
    func testAPhaseContinuingTheChosenTrialGoesOnAsIfItHadTrainedThatStartThroughout() throws {
        let (again, againLog) = try run(Self.decMethod(trials: #"{"count": 3, "epochs": 1}"#))
        let (continued, log) = try run(
            Self.decMethod(trials: #"{"count": 3, "epochs": 1, "continue_from_chosen_trial": true}"#))
        let trials = Self.clusteringRecords(continued, kind: "initialization_trial", field: "evaluation_loss")
        XCTAssertEqual(
            trials.map(\.1),
            Self.clusteringRecords(again, kind: "initialization_trial", field: "evaluation_loss").map(\.1))
        let best = try XCTUnwrap(trials.indices.min { trials[$0].1 < trials[$1].1 })
        XCTAssertNotEqual(best, 0, "a later trial wins, so that the phase must take its end, not the run's own start")
        XCTAssertTrue(
            log.contains(
                #"Phase "clustering" continues from the end of initialization trial \#(best + 1) of 3 (the lowest"#),
            log)
        XCTAssertTrue(
            againLog.contains(#"Phase "clustering" trains from initialization trial \#(best + 1) of 3"#), againLog)
        let losses = Self.clusteringRecords(continued, kind: "evaluation_loss", field: "loss")
        let lossesAgain = Self.clusteringRecords(again, kind: "evaluation_loss", field: "loss")
        XCTAssertEqual(losses.map(\.0), [2, 3])
        XCTAssertEqual(lossesAgain.map(\.0), [1, 2, 3])
        XCTAssertEqual(losses.map(\.1), Array(lossesAgain.map(\.1).dropFirst()))
        XCTAssertTrue(losses.allSatisfy { $0.1.isFinite }, "\(losses)")
        let scores = Self.clusteringRecords(continued, kind: "evaluation", field: "acc")
        let scoresAgain = Self.clusteringRecords(again, kind: "evaluation", field: "acc")
        XCTAssertEqual(scores.prefix(2).map(\.0), [2, 3])
        XCTAssertEqual(scores.prefix(2).map(\.1), scoresAgain.dropFirst().prefix(2).map(\.1))
    }

    /// Trials as long as the phase end it where the chosen trial ended: with no evaluation between, the phase
    /// trains nothing more, and the run ends with the predictions and parameters of the run that trains the
    /// chosen start again for the whole phase — the best of three whole runs at three runs' cost.
    func testTrialsAsLongAsThePhaseEndItWhereTheChosenTrialEnded() throws {
        func method(_ trials: String) -> String {
            Self.decMethod(trials: trials).replacingOccurrences(
                of:
                    #""performance_evaluation_interval": 1, "performance_evaluation_interval_unit": "epoch", "restore_lowest_loss_state": true, "#,
                with: "")
        }
        XCTAssertFalse(method("{}").contains("restore_lowest_loss_state"))
        let again = try runMethodText(method(#"{"count": 3, "epochs": 3}"#), directories: &directories)
        let continued = try runMethodText(
            method(#"{"count": 3, "epochs": 3, "continue_from_chosen_trial": true}"#), directories: &directories)
        let log = try String(contentsOfFile: continued.runDirectory + "/log.txt", encoding: .utf8)
        XCTAssertTrue(log.contains(#"Phase "clustering" continues from the end of initialization trial "#), log)
        XCTAssertTrue(log.contains(#"Exiting phase "clustering": max epochs reached"#), log)
        XCTAssertEqual(
            try String(contentsOfFile: continued.runDirectory + "/predictions.csv", encoding: .utf8),
            try String(contentsOfFile: again.runDirectory + "/predictions.csv", encoding: .utf8))
        let weights = try Safetensors.read(continued.runDirectory + "/final.safetensors").tensors
        let expected = try Safetensors.read(again.runDirectory + "/final.safetensors").tensors
        XCTAssertFalse(expected.isEmpty)
        for (name, t) in expected {
            XCTAssertTrue(weights[name]?.toDoubleArray() == t.toDoubleArray(), "\(name) differs")
        }
    }

    func testTrialsAreRefusedWhereTheyCannotApply() throws {
        let centroidsFromAnEarlierPhase = TrainerTests.decMethod().replacingOccurrences(
            of: #""exit_criteria": {"iterations": 40},"#,
            with: #""exit_criteria": {"iterations": 40}, "initialization_trials": {"count": 2, "epochs": 1},"#
        ).replacingOccurrences(
            of: #""use_centroids_during_phases": ["clustering"]"#,
            with: #""use_centroids_during_phases": ["pretraining", "clustering"]"#)
        XCTAssertThrowsError(try loadMethodText(centroidsFromAnEarlierPhase, directories: &directories)) {
            XCTAssertTrue(
                "\($0)".contains(
                    "/phases/1/initialization_trials: phase 'clustering' tries several initialisations, but its centroids come from phase 'pretraining'"
                ), "\($0)")
        }
        let loading = Self.method(trials: #"{"count": 2, "epochs": 1}"#).replacingOccurrences(
            of: #""restore_lowest_loss_state": true"#,
            with:
                #""restore_lowest_loss_state": true, "load_mapping_parameters": [{"mapping_name": "encoder", "path_to_file": "encoder.safetensors"}]"#
        )
        XCTAssertThrowsError(try loadMethodText(loading, directories: &directories)) {
            XCTAssertTrue(
                "\($0)".contains(
                    "/phases/0/initialization_trials: phase 'pretraining' tries several initialisations of mapping 'encoder', but also loads its parameters"
                ), "\($0)")
        }
        XCTAssertThrowsError(
            try loadMethodText(Self.method(trials: #"{"count": 1, "epochs": 1}"#), directories: &directories)
        ) { XCTAssertTrue("\($0)".contains("/phases/0/initialization_trials/count"), "\($0)") }
    }
}
