import Foundation

/// An estimate of the memory a method needs, made from the method file alone, before anything is
/// allocated: parameters (float32) with their gradients and up to two optimizer states each, the
/// activations of one training step (every layer output of every mapping for a batch, for values and
/// gradients, once per batch view; or a forward pass over an evaluation chunk of 1024 samples if that is
/// larger), and the dataset held in memory. Allocator slack, k-means buffers and the runtime are not
/// counted: measured peaks are about twice the estimate (Docs/benchmarks.md). Methods whose estimate exceeds
/// the machine's memory are refused with the estimate (absurd layer or batch sizes never reach an
/// allocation).
public struct MemoryEstimate: Sendable {
    /// Parameters of every mapping (a Double: absurd sizes must not overflow the arithmetic).
    public var parameterCount: Double = 0
    /// Parameters, gradients and optimizer states (Adam keeps two per parameter).
    public var parameterBytes: Double { Double(parameterCount) * 4 * 4 }
    /// Largest over datasets: layer outputs of one step (values and gradients, every view).
    public var activationBytes: Double = 0
    /// Largest over datasets: the samples kept in memory.
    public var dataBytes: Double = 0
    public var peakBytes: Double { parameterBytes + activationBytes + dataBytes }

    /// Parameters of a layer from its arguments (no allocation; in Double so that absurd sizes cannot
    /// overflow); 0 for parameter-free layers.
    static func parameters(of layer: LayerSpec) -> Double {
        let a = Arguments(object: layer.arguments, pointer: layer.pointer)
        // Sizes that cannot be read count as 0 and a bias that cannot be read counts (an estimate of
        // a file whose defaults were filled in, where both are present).
        func value(_ key: String) -> Double { Double(Swift.max(0, (try? a.int(key)) ?? 0)) }
        let bias: Double = (try? a.bool("bias")) == false ? 0 : 1
        func kernel(_ key: String) -> Double {
            guard let p = try? a.pair(key) else { return 0 }
            return layer.kind == .conv1d
                ? Double(Swift.max(0, p.0)) : Double(Swift.max(0, p.0)) * Double(Swift.max(0, p.1))
        }
        let groups = Swift.max(1, value("groups"))
        switch layer.kind {
        case .linear: return value("in_features") * value("out_features") + bias * value("out_features")
        case .conv1d, .conv2d:
            return value("out_channels") * (value("in_channels") / groups).rounded(.down) * kernel("kernel_size") + bias
                * value("out_channels")
        case .convTranspose2d:
            return value("in_channels") * (value("out_channels") / groups).rounded(.down) * kernel("kernel_size") + bias
                * value("out_channels")
        case .batchNorm1d, .batchNorm2d: return 4 * value("num_features")
        case .layerNorm:
            return 2 * ((try? a.ints("normalized_shape")) ?? []).reduce(1.0) { $0 * Double(Swift.max(0, $1)) }
        default: return 0
        }
    }

    /// Parameter count of every mapping, and the layer with the most parameters.
    static func parameterCounts(_ spec: MethodSpec) -> (
        total: Double, largest: (layer: LayerSpec, mapping: String, count: Double)?
    ) {
        var total = 0.0
        var largest: (LayerSpec, String, Double)? = nil
        for mapping in spec.mappings {
            for layer in mapping.layers {
                let n = parameters(of: layer)
                total += n
                if n > (largest?.2 ?? 0) { largest = (layer, mapping.name, n) }
            }
        }
        return (total, largest)
    }

    /// The memory a method may need (bytes): this machine's, unless lowered (the fuzz target caps it
    /// so that checking a mutated file never allocates more than its budget).
    nonisolated(unsafe) public static var machineBytes = Double(ProcessInfo.processInfo.physicalMemory)

    /// A parameter count: exact below 10¹⁵, otherwise in scientific notation.
    public static func count(_ n: Double) -> String { n < 1e15 ? String(format: "%.0f", n) : String(format: "%.2e", n) }

    /// "3.2 GB", "640 MB".
    public static func format(_ bytes: Double) -> String {
        let units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"]
        var v = bytes, i = 0
        while v >= 1000 && i < units.count - 1 { v /= 1000; i += 1 }
        return i == 0 ? "\(Int(v)) B" : String(format: v >= 100 ? "%.0f %@" : "%.1f %@", v, units[i])
    }
}
