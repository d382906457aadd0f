import RecombineNN
import RecombineTensor

/// A trainable mapping built from its spec: pre-processing functions, the layers as `net`
/// (state-dict names `net.<index>.<parameter>` as in the reference framework), post-processing.
/// A prior mapping, when named, is applied first but is not part of this mapping's parameters.
public final class Mapping: Module {
    public let spec: MappingSpec
    public let net: Sequential
    /// The layers without the softmax layer, for logits (when `softmax_layer_name` is set).
    public let netWithoutSoftmax: Sequential?
    /// Layers by name (unnamed layers by their index as a string).
    public let layersByName: [String: Module]
    let preProcessing: [(Tensor) -> Tensor]
    let postProcessing: [(Tensor) -> Tensor]
    /// The mapping applied before this one (resolved by `MappingSet`).
    public internal(set) weak var prior: Mapping?

    public var name: String { spec.name }

    init(spec: MappingSpec, generator: inout RandomGenerator) throws {
        self.spec = spec
        var layers: [Module] = [], byName: [String: Module] = [:]
        for (i, layerSpec) in spec.layers.enumerated() {
            let layer = try LayerRegistry.make(layerSpec, generator: &generator)
            layers.append(layer)
            byName[layerSpec.name ?? String(i)] = layer
        }
        net = Sequential(layers)
        if let softmax = spec.softmaxLayerName, let index = spec.layers.firstIndex(where: { $0.name == softmax }) {
            var without = layers; without.remove(at: index)
            netWithoutSoftmax = Sequential(without)
        } else {
            netWithoutSoftmax = nil
        }
        layersByName = byName
        preProcessing = try spec.preProcessing.map(FunctionRegistry.make)
        postProcessing = try spec.postProcessing.map(FunctionRegistry.make)
        super.init()
        registerChild("net", net)
        for entry in spec.layerInitialization {
            for name in entry.layerNames {
                guard let layer = byName[name] else { continue }  // reported by the reference checks
                guard let tensor = layer.namedParameters().first(where: { $0.name == entry.weightType })?.tensor else {
                    throw CompileError(entry.pointer, "layer '\(name)' has no \(entry.weightType) to initialise")
                }
                var numbers: [String: Double] = [:], strings: [String: String] = [:]
                for m in entry.arguments.members {
                    if let d = m.value.number {
                        numbers[m.key] = d
                    } else if let s = m.value.string {
                        strings[m.key] = s
                    }
                }
                do {
                    try Init.apply(entry.type, to: tensor, arguments: numbers, strings: strings, generator: &generator)
                } catch { throw CompileError(entry.pointer.appending("type"), "\(error)") }
            }
        }
    }

    /// This mapping's own computation (without the prior mapping).
    public func applyOwn(_ x: Tensor, logits: Bool = false) -> Tensor {
        var h = preProcessing.reduce(x) { $1($0) }
        h = (logits ? netWithoutSoftmax ?? net : net)(h)
        return postProcessing.reduce(h) { $1($0) }
    }

    /// prior(x) (if any), then this mapping. Inside a training step with a `ForwardCache`, a mapping
    /// applied again to the same input tensor returns its first result (one forward per distinct input).
    public override func callAsFunction(_ x: Tensor) -> Tensor { forward(x, logits: false) }

    /// The output without the softmax layer (the reference's `get_logits`).
    public func logits(_ x: Tensor) -> Tensor { forward(x, logits: true) }

    /// This mapping's output for `x` (after its prior) together with the outputs of the layers named
    /// in `names` (a layer's `name`, or its index for unnamed layers). Inside a training step with a
    /// `ForwardCache`: the step's pass of this mapping on `x` when it kept those layers (each pass keeps
    /// the layers the step's patterns declared with `ForwardCache.capture(_:of:)`), otherwise a new pass
    /// that later readers share. In data-parallel training a pass runs on this process's rows with the
    /// output and every captured tensor gathered (as a plain forward is).
    public func forward(_ x: Tensor, capturing names: Set<String>) -> (output: Tensor, captured: [String: Tensor]) {
        guard let cache = ForwardCache.current else { return pass(x, capturing: names) }
        return cache.pass(of: self, input: x, capturing: names) { self.pass(x, capturing: $0) }
    }

    /// prior(x) (if any), then this mapping, keeping the outputs of the layers named in `names`.
    func pass(_ x: Tensor, capturing names: Set<String>) -> (output: Tensor, captured: [String: Tensor]) {
        let h = prior.map { $0(x) } ?? x
        let indices = net.layers.indices.filter { names.contains(layerName(at: $0)) }
        let own = { (rows: Tensor) in self.applyOwn(rows, capturingLayersAt: indices) }
        let outputs = ForwardCache.current?.distributedForward?(self, h, own) ?? own(h)
        // Of two layers with the same name, the later one's output is kept.
        let captured = Dictionary(zip(indices.map(layerName(at:)), outputs.dropFirst()), uniquingKeysWith: { $1 })
        return (outputs[0], captured)
    }

    /// This mapping's own computation (without the prior mapping), followed by the outputs of the layers
    /// at `indices` (ascending).
    func applyOwn(_ x: Tensor, capturingLayersAt indices: [Int]) -> [Tensor] {
        var h = preProcessing.reduce(x) { $1($0) }
        var captured: [Tensor] = []
        for (i, layer) in net.layers.enumerated() {
            h = layer(h)
            if indices.contains(i) { captured.append(h) }
        }
        return [postProcessing.reduce(h) { $1($0) }] + captured
    }

    /// The name of layer `index`: its `name`, or its index for an unnamed layer.
    func layerName(at index: Int) -> String { spec.layers[index].name ?? String(index) }

    /// The input of the layer named `name` (after pre-processing and the layers before it), or nil
    /// when the mapping has no such layer.
    public func inputOfLayer(_ name: String, _ x: Tensor) -> Tensor? {
        guard let index = spec.layers.indices.first(where: { layerName(at: $0) == name }) else {
            return nil
        }
        var h = preProcessing.reduce(prior.map { $0(x) } ?? x) { $1($0) }
        for layer in net.layers.prefix(index) { h = layer(h) }
        return h
    }

    func forward(_ x: Tensor, logits: Bool) -> Tensor {
        if !logits, ForwardCache.current != nil { return forward(x, capturing: []).output }
        let compute = {
            let h = self.prior.map { $0(x) } ?? x
            return ForwardCache.current?.distributedForward?(self, h) { [self.applyOwn($0, logits: logits)] }?.first
                ?? self.applyOwn(h, logits: logits)
        }
        return ForwardCache.current?.output(of: self, input: x, logits: logits, compute: compute) ?? compute()
    }
}

/// All mappings of a method, built together (priors resolved), rebuilt when a dataset asks for
/// re-initialisation.
public final class MappingSet {
    public let mappings: [Mapping]

    /// Builds every mapping, drawing initial weights from `generator` in declaration order.
    public init(specs: [MappingSpec], generator: inout RandomGenerator) throws {
        var built: [Mapping] = []
        for spec in specs { built.append(try Mapping(spec: spec, generator: &generator)) }
        for mapping in built {
            if let prior = mapping.spec.priorMappingName { mapping.prior = built.first { $0.name == prior } }
        }
        mappings = built
    }

    /// The first mapping named `name`.
    public subscript(name: String) -> Mapping? { mappings.first { $0.name == name } }

    /// The first feature extractor.
    public var firstFeatureExtractor: Mapping? { mappings.first { $0.spec.kind == .featureExtractor } }

    public func train(_ on: Bool) { for m in mappings { m.train(on) } }
}

/// Mapping outputs of one training step, keyed by mapping and input tensor, so that patterns reading
/// the same mapping on the same batch or view share one forward (and one backward path). Dropout
/// layers therefore draw one mask per distinct input per step.
public final class ForwardCache {
    /// The cache of the step in progress (set by the trainer around the patterns of one iteration).
    public nonisolated(unsafe) static var active: ForwardCache?

    /// The active cache while gradients are recorded, or at any time for a cache that
    /// `cachesPassesWithoutGradients` (whole-dataset sweeps suspend the cache: `suspended(_:)`).
    static var current: ForwardCache? {
        guard let active, GradMode.isEnabled || active.cachesPassesWithoutGradients else { return nil }
        return active
    }

    /// Caches passes computed without gradients as well: for a step that takes no gradients at all (the
    /// evaluation loss over a dataset's batches), whose patterns then share their passes as a training
    /// step's do. Never set it where gradients may be taken: a pass cached without a tape would be reused
    /// by a reader that needs one.
    public var cachesPassesWithoutGradients = false

    /// Runs `body` without a cache: a whole-dataset sweep inside a step (a pattern's targets) must not
    /// keep each chunk's pass until the step ends.
    public static func suspended<Result>(_ body: () throws -> Result) rethrows -> Result {
        let saved = active
        active = nil
        defer { active = saved }
        return try body()
    }

    /// A pass is shared only in the same mode: a mapping in evaluation mode (DEPICT's clean pathway,
    /// dropout off) computes its own pass on the same input.
    struct Key: Hashable {
        let mapping: ObjectIdentifier; let input: ObjectIdentifier; let logits: Bool; let training: Bool
    }
    var outputs: [Key: Tensor] = [:]
    /// Inputs are retained so their identities stay unique while the cache lives.
    var inputs: [Tensor] = []
    public private(set) var hits = 0, misses = 0
    /// Data-parallel training's forward of a mapping's own computation `body` on `input` (its rows spread
    /// over the processes, each of `body`'s outputs gathered); nil, or a nil result, computes it here on
    /// every row.
    public var distributedForward: DistributedForward?
    /// A mapping, its input, and its own computation giving one or more tensors of one row per input row
    /// (the output, then any captured layer outputs); the gathered tensors, or nil to compute them here.
    public typealias DistributedForward =
        (_ mapping: Mapping, _ input: Tensor, _ body: (Tensor) -> [Tensor]) -> [Tensor]?

    public init() {}

    /// Layers whose outputs the step's patterns read, by mapping (`capture(_:of:)`).
    var layersToCapture: [ObjectIdentifier: Set<String>] = [:]
    /// The kept layer outputs of each cached non-logit pass.
    var captures: [Key: [String: Tensor]] = [:]

    /// Makes every pass of `mapping` in this step keep the outputs of the layers named `layers`, so a
    /// pattern reading them shares the step's pass instead of computing a second one (which would also
    /// update BatchNorm's running statistics a second time and draw a second dropout mask).
    public func capture(_ layers: Set<String>, of mapping: Mapping) {
        layersToCapture[ObjectIdentifier(mapping), default: []].formUnion(layers)
    }

    /// The step's non-logit pass of `mapping` on `input` with the layers `names` kept: the cached pass
    /// when it kept them, otherwise `compute` with `names` and the declared layers (cached unless a
    /// pass is cached already).
    func pass(
        of mapping: Mapping, input: Tensor, capturing names: Set<String>,
        compute: (Set<String>) -> (output: Tensor, captured: [String: Tensor])
    ) -> (output: Tensor, captured: [String: Tensor]) {
        let key = Key(
            mapping: ObjectIdentifier(mapping), input: ObjectIdentifier(input), logits: false,
            training: mapping.isTraining)
        if let output = outputs[key], let kept = captures[key], names.isSubset(of: kept.keys) {
            hits += 1
            return (output, kept.filter { names.contains($0.key) })
        }
        misses += 1
        let result = compute(names.union(layersToCapture[ObjectIdentifier(mapping)] ?? []))
        if outputs[key] == nil {
            inputs.append(input)
            outputs[key] = result.output
            captures[key] = result.captured
        }
        return (result.output, result.captured.filter { names.contains($0.key) })
    }

    func output(of mapping: Mapping, input: Tensor, logits: Bool, compute: () -> Tensor) -> Tensor {
        let key = Key(
            mapping: ObjectIdentifier(mapping), input: ObjectIdentifier(input), logits: logits,
            training: mapping.isTraining)
        if let cached = outputs[key] { hits += 1; return cached }
        misses += 1
        let result = compute()
        inputs.append(input)
        outputs[key] = result
        return result
    }
}
