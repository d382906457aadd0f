import ArgumentParser
import Foundation
import RecombineTensor

/// `recombine-bench engine`: training-step times of the engine against PyTorch on CPU.
struct EngineBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Time training steps of typical deep-clustering networks, interleaved with PyTorch's.",
        discussion: """
            Median over the timed steps after warm-up. PyTorch runs in a persistent python3 process with the same thread count when `import torch` works.

            ddc_step and dec_cc_hybrid_finetune_step are built from the method files (--configurations) by the trainer's own setup; before timing, PyTorch starts from the same weights, batch and views and must compute the same losses before and after one step (relative tolerance 1e-4), or the command fails. dec_cc_hybrid's augmented views are computed once, so both sides time the network and the losses.
            """
    )

    @Option(help: "Threads for OpenBLAS, the engine and PyTorch (default: OPENBLAS_NUM_THREADS or all cores).")
    var threads: Int?

    @Flag(help: "Print one JSON array instead of a table.")
    var json = false

    @Option(help: "Timed steps per case (the conv case uses a fifth, at least 10).")
    var steps: Int = 50

    @Option(help: "Cases to run (default: all).")
    var cases: [String] = [
        "dec_ae_b256", "dec_ae_b64", "conv_ae_b256", "contrastive_b256", "ddc_step", "dec_cc_hybrid_finetune_step",
    ]

    @Option(help: "Directory with ddc.json and dec_cc_hybrid.json.")
    var configurations = "Configurations"

    @Flag(name: .customLong("no-torch"), help: "Skip PyTorch.")
    var noTorch = false

    @Flag(
        name: .customLong("gemm-alone"),
        help: ArgumentHelp(
            "Also time each step's GEMM calls alone, as our step made them, one after another: with OpenBLAS and with PyTorch's BLAS (Tensor.addmm_).",
            discussion:
                "Adds gemm_calls, gemm_alone_ms, torch_gemm_alone_ms and gemm_floor_ratio (our GEMM calls alone over PyTorch's whole step): a case cannot reach a ratio below its floor without fewer or faster products."
        ))
    var gemmAlone = false

    func run() throws {
        Threads.set(threads ?? Threads.count)
        let threadCount = Threads.count
        let peak = measureSGEMMPeak()
        let torch = noTorch ? nil : TorchWorker(threads: threadCount)
        if torch == nil && !noTorch {
            FileHandle.standardError.write(Data("python3 cannot import torch: reporting our times only\n".utf8))
        }
        var rows: [[String: Any]] = []
        for name in cases {
            let benchmark: BenchmarkCase
            var checked: Bool? = nil
            var comparedLosses: [String: Any]? = nil
            switch name {
            case "dec_ae_b256": benchmark = BenchmarkCases.decAE(batch: 256)
            case "dec_ae_b64": benchmark = BenchmarkCases.decAE(batch: 64)
            case "conv_ae_b256": benchmark = BenchmarkCases.convAE()
            case "contrastive_b256": benchmark = BenchmarkCases.contrastive()
            default:
                guard let methodCase = MethodStepCase.named(name) else {
                    throw ValidationError(
                        "unknown case \(name) (cases: dec_ae_b256, dec_ae_b64, conv_ae_b256, contrastive_b256, \(MethodStepCase.all.map(\.name).joined(separator: ", ")))"
                    )
                }
                let prepared = try methodCase.prepare(configurations: configurations)
                defer { try? FileManager.default.removeItem(at: prepared.stateFile) }
                benchmark = prepared.benchmark
                if let torch {
                    guard let theirs = torch.load(caseName: name, stateFile: prepared.stateFile.path) else {
                        throw ValidationError(
                            "\(name): the PyTorch worker could not build the case (see its message above)")
                    }
                    try MethodStepCase.check(name, ours: prepared, torch: theirs)
                    checked = true
                    comparedLosses = [
                        "terms": prepared.lossesBefore.map(\.name), "ours": prepared.lossesBefore.map(\.value),
                        "torch": theirs.before, "ours_after_step": prepared.lossesAfter,
                        "torch_after_step": theirs.after,
                    ]
                }
            }
            let timed = name.hasPrefix("conv") ? max(10, steps / 5) : steps
            let warmup = name.hasPrefix("conv") ? 2 : 10
            let (ours, theirs) = try interleaved(
                name, step: benchmark.step, torch: torch, torchCase: name, timed: timed, warmup: warmup)
            let oursMs = median(ours), torchMs = theirs.isEmpty ? nil : median(theirs)
            var row: [String: Any] = [
                "case": name, "threads": threadCount, "ours_ms": oursMs, "gflops": benchmark.flops / oursMs / 1e6,
                "sgemm_peak_gflops": peak,
            ]
            // The fastest steps too: on a shared VM, stolen time lengthens some steps and never shortens one.
            row["ours_min_ms"] = ours.min()
            if let torchMs {
                row["torch_ms"] = torchMs; row["ratio"] = oursMs / torchMs
                row["torch_min_ms"] = theirs.min()
            }
            if gemmAlone {
                let replay = GEMMReplay(try GEMMTrace.record { try benchmark.step() })
                var torchCase: String? = nil
                if let torch {
                    let file = FileManager.default.temporaryDirectory.appendingPathComponent(
                        "recombine-bench-gemm-\(getpid())-\(name).json")
                    defer { try? FileManager.default.removeItem(at: file) }
                    try replay.write(to: file)
                    guard torch.loadGEMMReplay(key: "gemm_" + name, callsFile: file.path) else {
                        throw ValidationError("\(name): the PyTorch worker could not load the GEMM calls")
                    }
                    torchCase = "gemm_" + name
                }
                let (alone, theirsAlone) = try interleaved(
                    name, step: { replay.step() }, torch: torch, torchCase: torchCase, timed: timed, warmup: warmup)
                row["gemm_calls"] = replay.calls.count
                row["gemm_call_shapes"] = replay.calls.map {
                    "\($0.transA ? "T" : "N")\($0.transB ? "T" : "N") m\($0.m) n\($0.n) k\($0.k) beta \($0.beta)"
                }
                row["gemm_alone_ms"] = median(alone)
                row["gemm_alone_gflops"] = replay.flops / median(alone) / 1e6
                if !theirsAlone.isEmpty { row["torch_gemm_alone_ms"] = median(theirsAlone) }
                if let torchMs { row["gemm_floor_ratio"] = median(alone) / torchMs }
            }
            if let checked { row["same_losses_as_torch"] = checked }
            if let comparedLosses { row["losses"] = comparedLosses }
            rows.append(row)
            if !json { printRow(row) }
        }
        if json {
            let data = try JSONSerialization.data(withJSONObject: rows, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else if let torch {
            print(
                "PyTorch: \(torch.version); BLAS: \(Threads.blasCore); sgemm peak \(String(format: "%.1f", peak)) GFLOP/s"
            )
        }
    }

    /// Times `timed` steps of ours and of PyTorch's `torchCase` after `warmup` steps, interleaved in five
    /// rounds so both sides see the same machine state; returns milliseconds per step of each side.
    func interleaved(
        _ name: String, step: () throws -> Void, torch: TorchWorker?, torchCase: String?, timed: Int, warmup: Int
    ) throws -> (ours: [Double], torch: [Double]) {
        let rounds = 5, perRound = max(1, timed / rounds)
        var ours: [Double] = [], theirs: [Double] = []
        for _ in 0..<warmup { try step() }
        for round in 0..<rounds {
            for _ in 0..<perRound { ours.append(try milliseconds(step)) }
            if let torch, let torchCase {
                // A PyTorch side that fails must fail the command, not leave a row without a ratio.
                guard let t = torch.run(caseName: torchCase, steps: perRound, warmup: round == 0 ? warmup : 0)
                else {
                    throw ValidationError("\(name): the PyTorch worker failed to time the case (see its message above)")
                }
                theirs += t
            }
        }
        return (ours, theirs)
    }

    func printRow(_ row: [String: Any]) {
        func f(_ key: String, _ format: String) -> String {
            (row[key] as? Double).map { String(format: format, $0) } ?? "-"
        }
        let name = (row["case"] as? String ?? "").padding(toLength: 18, withPad: " ", startingAt: 0)
        print(
            "\(name) threads \(row["threads"] ?? "")  ours \(f("ours_ms", "%8.2f")) ms  torch \(f("torch_ms", "%8.2f")) ms  ratio \(f("ratio", "%5.2f"))  \(f("gflops", "%6.1f")) GFLOP/s (\(String(format: "%.0f", 100 * ((row["gflops"] as? Double ?? 0) / (row["sgemm_peak_gflops"] as? Double ?? 1))))% of sgemm peak)"
        )
        if let calls = row["gemm_calls"] {
            print(
                "  \(calls) GEMM calls alone: ours \(f("gemm_alone_ms", "%8.2f")) ms  torch \(f("torch_gemm_alone_ms", "%8.2f")) ms  floor \(f("gemm_floor_ratio", "%5.2f"))  \(f("gemm_alone_gflops", "%6.1f")) GFLOP/s"
            )
        }
    }
}
