import Dispatch
import RecombineNN
import RecombineTensor

extension PhaseRunner {
    /// Data-parallel training's one collective per step, before the optimizers step: every gradient of
    /// the step, in one flat buffer (and a second one for float64 parameters, if any), summed over the
    /// processes and divided by their number — which makes it the single-process gradient (see
    /// `RowGather`) — together with one slot per process for a stop signal, so that a signal to any
    /// process stops every process after this same step (`RunInterruption.signalForThisStep`).
    func synchronizeGradients(_ steps: inout [(optimizer: Optimizer, gradients: Gradients)]) {
        let group = configuration.dataParallel
        guard group.size > 1 else { return }
        var parameters: [Tensor] = [], seen = Set<ObjectIdentifier>()
        var gradientOf: [ObjectIdentifier: Tensor] = [:]
        for step in steps {
            for p in step.optimizer.parameters where seen.insert(ObjectIdentifier(p)).inserted {
                guard let g = step.gradients[p] else { continue }
                parameters.append(p); gradientOf[ObjectIdentifier(p)] = g
            }
        }
        let singles = parameters.filter { gradientOf[ObjectIdentifier($0)]!.dtype == .float32 }
        let doubles = parameters.filter { gradientOf[ObjectIdentifier($0)]!.dtype == .float64 }
        let gradients = singles.map { gradientOf[ObjectIdentifier($0)]! }
        let gradients64 = doubles.map { gradientOf[ObjectIdentifier($0)]! }
        let flat = Tensor(uninitialized: [gradients.reduce(0) { $0 + $1.count } + group.size], dtype: .float32)
        let flat64 = Tensor(uninitialized: [gradients64.reduce(0) { $0 + $1.count }], dtype: .float64)
        let flags = Self.pack(gradients, into: flat)
        for r in 0..<group.size { flat.floats[flags + r] = 0 }
        flat.floats[flags + group.rank] = Float(RunInterruption.signalNumber)
        _ = Self.pack(gradients64, into: flat64)
        let started = DispatchTime.now().uptimeNanoseconds
        group.allreduceSum(UnsafeMutableBufferPointer(start: flat.floats, count: flat.count))
        if flat64.count > 0 {
            group.allreduceSum(UnsafeMutableBufferPointer(start: flat64.doubles, count: flat64.count))
        }
        DataParallelStatistics.record(
            seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9, values: flat.count + flat64.count)
        RunInterruption.agreedSignal =
            (0..<group.size).lazy.map { flat.floats[flags + $0] }.first { $0 != 0 }.map { Int32($0) } ?? 0
        var reduced: [ObjectIdentifier: Tensor] = [:]
        for (p, g) in zip(
            singles + doubles,
            Self.unpack(flat, like: singles, dividedBy: group.size)
                + Self.unpack(flat64, like: doubles, dividedBy: group.size))
        {
            reduced[ObjectIdentifier(p)] = g
        }
        for s in steps.indices {
            for p in steps[s].optimizer.parameters {
                if let g = reduced[ObjectIdentifier(p)] { steps[s].gradients[p] = g }
            }
        }
    }
}

extension PhaseRunner {
    /// Copies `tensors` (all of `flat`'s dtype) one after another into `flat`; returns where they end.
    static func pack(_ tensors: [Tensor], into flat: Tensor) -> Int {
        var offset = 0
        for t in tensors {
            (flat.storage.raw + offset * flat.dtype.byteSize).copyMemory(
                from: t.storage.raw, byteCount: t.count * t.dtype.byteSize)
            offset += t.count
        }
        return offset
    }

    /// Tensors shaped like `parameters`, read one after another from `flat` and divided by `divisor`.
    static func unpack(_ flat: Tensor, like parameters: [Tensor], dividedBy divisor: Int) -> [Tensor] {
        var offset = 0
        return parameters.map { p in
            let g = Tensor(uninitialized: p.shape, dtype: flat.dtype)
            switch flat.dtype {
            case .float32:
                let scale = 1 / Float(divisor)
                for i in 0..<g.count { g.floats[i] = flat.floats[offset + i] * scale }
            case .float64:
                for i in 0..<g.count { g.doubles[i] = flat.doubles[offset + i] / Double(divisor) }
            }
            offset += g.count
            return g
        }
    }
}

/// How long the gradient allreduces of this process took (for the log and Docs/benchmarks.md).
public enum DataParallelStatistics {
    nonisolated(unsafe) public private(set) static var allreduces = 0
    nonisolated(unsafe) public private(set) static var seconds = 0.0
    nonisolated(unsafe) public private(set) static var values = 0

    /// Whole-dataset passes whose rows the processes shared out (`ShardedSweep`), and those every
    /// process computed whole because their rows depend on each other.
    nonisolated(unsafe) public private(set) static var shardedSweeps = 0
    nonisolated(unsafe) public private(set) static var wholeSweeps = 0

    static func record(seconds: Double, values: Int) {
        allreduces += 1; self.seconds += seconds; self.values = max(self.values, values)
    }

    /// Mapping passes of training steps computed on each process's rows, and those every process
    /// computed on the whole batch.
    nonisolated(unsafe) public private(set) static var sharedForwards = 0
    nonisolated(unsafe) public private(set) static var wholeForwards = 0

    static func recordSweep(sharded: Bool) {
        if sharded { shardedSweeps += 1 } else { wholeSweeps += 1 }
    }

    static func recordForward(shared: Bool) {
        if shared { sharedForwards += 1 } else { wholeForwards += 1 }
    }
}

extension RunInterruption {
    /// In data-parallel training, the signal any process had received when the step's gradients were
    /// summed (0: none); nil for a single process, which reads its own signal as it arrives.
    nonisolated(unsafe) static var agreedSignal: Int32?

    /// The signal that stops the run after this step (0: none), the same on every process.
    static var signalForThisStep: Int32 { agreedSignal ?? signalNumber }
}
