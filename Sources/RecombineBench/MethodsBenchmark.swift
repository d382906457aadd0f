import ArgumentParser
import Foundation
import RecombineData
import RecombineMethod
import RecombineTensor
import RecombineTraining

/// `recombine-bench methods`: seconds per iteration of every phase of every method file, its
/// whole-dataset passes, and the hours its full schedule projects to.
struct MethodsBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "methods",
        abstract: "Time every phase of every method file on its real data and project the full schedule's hours.",
        discussion: """
            For each dataset and phase in the order the trainer runs them, the phase is built by the trainer's own setup on the dataset's files; after --warmup iterations, --iterations trainer iterations (the trainer's own iteration: next batch and its augmented views, every loss, finiteness checks, gradients, optimizer steps, gradient clearing) alternate with as many engine steps (the same losses, backward and steps on one fixed batch, without the trainer's bookkeeping). The medians give seconds per iteration and the trainer's own share, (iteration − engine step) / iteration. Then each whole-dataset pass the phase makes is timed once: an evaluation, the target distributions (DEC, DEPICT), a centroid recalculation, the k-means that initialises centroids at the first phase using them, reading the data, and the end-of-dataset outputs. The projection multiplies these by the counts of the full schedule (exit criteria iterations or epochs, intervals); thresholds that may end a phase earlier are not counted, nor saved weights, checkpoints and the report.

            Every phase starts from fresh weights (not from the previous phase's), so data-dependent work (k-means iterations until convergence) may differ from a real run's. Runtime: loading the data, one k-means and one evaluation per phase that has them, and 2 × (warmup + iterations) steps; for the MNIST configurations this is minutes each in a release build (convolutional ones longer): pick files with --filter. Where Docs/results/runs/<configuration>/ holds records of full runs, their measured wall time is shown beside the projection.
            """
    )

    @Option(help: "Threads for OpenBLAS and the engine (default: OPENBLAS_NUM_THREADS or all cores).")
    var threads: Int?

    @Flag(
        help:
            "Print one JSON array of rows {configuration, phases, projected_hours, threads, blas_core, cpu, …} instead of a table."
    )
    var json = false

    @Option(help: "Directory of method files.")
    var configurations = "Configurations"

    @Option(
        parsing: .upToNextOption,
        help: "Method files to run, by name without .json (default: every file in the directory).")
    var filter: [String] = []

    @Option(
        name: .customLong("phase"), parsing: .upToNextOption,
        help: "Only the phases of these names (default: every phase; projections then cover those only).")
    var phaseNames: [String] = []

    @Option(help: "Timed iterations (and engine steps) per phase.")
    var iterations = 10

    @Option(help: "Untimed iterations (and engine steps) per phase first.")
    var warmup = 3

    @Option(
        name: .customLong("data-root"),
        help: "Directory with mnist/, usps/, … (then RECOMBINE_DATA, then the user cache).")
    var dataRoot: String?

    @Option(help: "Records of full runs, one folder per configuration (seed-*/result.json).")
    var records = "Docs/results/runs"

    func validate() throws {
        guard iterations >= 1 else { throw ValidationError("--iterations must be at least 1, found \(iterations)") }
        guard warmup >= 0 else { throw ValidationError("--warmup must not be negative, found \(warmup)") }
    }

    func run() throws {
        Threads.set(threads ?? Threads.count)
        var files = try FileManager.default.contentsOfDirectory(atPath: configurations).filter { $0.hasSuffix(".json") }
            .sorted()
        if !filter.isEmpty {
            let names = Set(files.map { String($0.dropLast(5)) })
            if let unknown = filter.first(where: { !names.contains($0) }) {
                throw ValidationError(
                    "--filter \(unknown): no \(unknown).json in \(configurations) (files: \(names.sorted().joined(separator: ", ")))"
                )
            }
            files = files.filter { filter.contains(String($0.dropLast(5))) }
        }
        let locations = DataLocations(dataRoot: dataRoot)
        let store = try SchemaStore.embedded()
        var rows: [[String: Any]] = []
        for file in files {
            let row = measuredRow(file: file, locations: locations, store: store)
            rows.append(row)
            if !json {
                MethodsTable.print(row)
                fflush(stdout)  // one configuration can take minutes: show each as it is done
            }
        }
        if json {
            let data = try JSONSerialization.data(withJSONObject: rows, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        }
    }

    /// The row of one method file: its phases, projection and trainer's share (or the error that stopped it),
    /// the CPU and BLAS kernels it was measured with, and the wall times of its kept records.
    func measuredRow(file: String, locations: DataLocations, store: SchemaStore) -> [String: Any] {
        let name = String(file.dropLast(5))
        var row: [String: Any] = [
            "configuration": name, "threads": Threads.count, "blas_core": Threads.blasCore, "cpu": CPUModel.summary,
        ]
        do {
            let path = (configurations as NSString).appendingPathComponent(file)
            let outcome = MethodLoader(store: store).load(path: path)
            guard let spec = outcome.spec, outcome.isValid else {
                throw ValidationError(
                    "\(path) does not load: \(outcome.issues.map(\.description).joined(separator: "; "))")
            }
            let phases = try measure(spec, locations: locations)
            row["phases"] = phases
            row["projected_hours"] = phases.compactMap { $0["projected_hours"] as? Double }.reduce(0, +)
            if phases.contains(where: { $0["projected_hours"] == nil }) { row["projection_incomplete"] = true }
            let weighted = phases.compactMap { p -> (Double, Double)? in
                guard let share = p["trainer_share"] as? Double, let s = p["iteration_s"] as? Double,
                    let n = p["iterations"] as? Int
                else { return nil }
                return (share * s * Double(n), s * Double(n))
            }
            let total = weighted.map(\.1).reduce(0, +)
            if total > 0 { row["trainer_share"] = weighted.map(\.0).reduce(0, +) / total }
        } catch {
            row["error"] = "\(error)"
        }
        let found = RunRecords.read(configuration: name, in: records)
        if !found.isEmpty { row["records"] = found }
        return row
    }

    /// One row per dataset and phase the trainer runs, in its order.
    func measure(_ spec: MethodSpec, locations: DataLocations) throws -> [[String: Any]] {
        var rows: [[String: Any]] = []
        var centroidsExist = false
        for (index, dataset) in spec.orderedDatasets.enumerated() where dataset.enabled {
            if index > 0 && dataset.reinitializeMappings { centroidsExist = false }
            let datasetPhases = spec.orderedPhases.filter {
                $0.enabled && (dataset.phases?.contains($0.name) ?? true)
                    && (phaseNames.isEmpty || phaseNames.contains($0.name))
            }
            for (phaseIndex, phase) in datasetPhases.enumerated() {
                let step = try IsolatedPhaseStep(
                    method: spec, phaseName: phase.name, datasetName: dataset.name, locations: locations)
                var row: [String: Any] = ["dataset": dataset.name, "phase": phase.name]
                let schedule = step.schedule
                var trainer: [Double] = [], engine: [Double] = []
                var engineWorks = step.trains
                for i in 0..<(warmup + iterations) {
                    let t = try seconds { try step.trainerStep() }
                    if i >= warmup { trainer.append(t) }
                    guard engineWorks else { continue }
                    do {
                        let e = try seconds { try step.engineStep() }
                        if i >= warmup { engine.append(e) }
                    } catch {
                        engineWorks = false
                        row["engine_step_unavailable"] = "\(error)"
                    }
                }
                let iteration = median(trainer)
                row["iteration_s"] = iteration
                if engineWorks, !engine.isEmpty {
                    let e = median(engine)
                    row["engine_step_s"] = e
                    row["trainer_share"] = (iteration - e) / iteration
                }
                var total = 0.0
                if let n = schedule.iterations {
                    row["iterations"] = n
                    total += Double(n) * iteration
                }
                var passes: [String: Any] = [:]
                func pass(_ key: String, count: Int, _ body: () throws -> Bool) throws {
                    guard count > 0 else { return }
                    var ran = false
                    let t = try seconds { ran = try body() }
                    guard ran else { return }
                    passes[key] = ["seconds": t, "count": count] as [String: Any]
                    total += t * Double(count)
                }
                if let initialization = step.centroidInitializationSeconds, !centroidsExist {
                    passes["centroid_initialization"] = ["seconds": initialization, "count": 1] as [String: Any]
                    total += initialization
                }
                if step.centroidInitializationSeconds != nil { centroidsExist = true }
                if phaseIndex == 0, let loading = step.dataLoadingSeconds {
                    passes["data_loading"] = ["seconds": loading, "count": 1] as [String: Any]
                    total += loading
                }
                if phaseIndex == datasetPhases.count - 1 {
                    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                        "recombine-bench-methods-\(getpid())")
                    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                    defer { try? FileManager.default.removeItem(at: directory) }
                    try pass("end_of_dataset", count: 1) { try step.endOfDatasetPass(directory: directory.path) }
                }
                try pass("evaluation", count: schedule.evaluations) {
                    try step.evaluationPass(); return true
                }
                try pass("targets", count: schedule.targetRecalculations) { try step.targetPass() }
                try pass("centroid_recalculation", count: schedule.centroidRecalculations) {
                    try step.centroidRecalculationPass()
                }
                row["passes"] = passes
                if schedule.iterations != nil { row["projected_hours"] = total / 3600 }
                rows.append(row)
            }
        }
        return rows
    }

    func seconds(_ body: () throws -> Void) rethrows -> Double { try milliseconds(body) / 1000 }
}
