/// Base class of every layer and mapping: named parameters, buffers and child modules, registered
/// explicitly (no reflection), and a train/eval mode. Parameter names follow PyTorch's state-dict
/// convention (`0.weight`, `encoder.2.bias`) so weights move to and from PyTorch by name.
///
/// ```swift
/// final class Affine: Module {
///     let weight: Tensor
///     init(_ n: Int) { weight = Tensor.ones([n]); super.init(); registerParameter("weight", weight) }
///     override func callAsFunction(_ x: Tensor) -> Tensor { x * weight }
/// }
/// ```
open class Module {
    public private(set) var ownParameters: [(name: String, tensor: Tensor)] = []
    public private(set) var ownBuffers: [(name: String, tensor: Tensor)] = []
    public private(set) var children: [(name: String, module: Module)] = []
    /// Training mode (batch statistics, active dropout) or evaluation mode.
    public private(set) var isTraining = true

    public init() {}

    /// Registers a trainable tensor under `name` and marks it as requiring gradients.
    public func registerParameter(_ name: String, _ tensor: Tensor) {
        precondition(!ownParameters.contains { $0.name == name }, "parameter \(name) registered twice")
        tensor.requiringGrad()
        ownParameters.append((name, tensor))
    }

    /// Registers a non-trainable state tensor (running statistics) under `name`.
    public func registerBuffer(_ name: String, _ tensor: Tensor) {
        precondition(!ownBuffers.contains { $0.name == name }, "buffer \(name) registered twice")
        ownBuffers.append((name, tensor))
    }

    /// Registers a child module under `name`.
    public func registerChild(_ name: String, _ module: Module) {
        precondition(!children.contains { $0.name == name }, "child \(name) registered twice")
        children.append((name, module))
    }

    /// Every parameter of this module and its descendants, with dotted names, in registration order.
    public func namedParameters(prefix: String = "") -> [(name: String, tensor: Tensor)] {
        ownParameters.map { (prefix + $0.name, $0.tensor) }
            + children.flatMap { $0.module.namedParameters(prefix: prefix + $0.name + ".") }
    }

    /// Every buffer of this module and its descendants, with dotted names.
    public func namedBuffers(prefix: String = "") -> [(name: String, tensor: Tensor)] {
        ownBuffers.map { (prefix + $0.name, $0.tensor) }
            + children.flatMap { $0.module.namedBuffers(prefix: prefix + $0.name + ".") }
    }

    /// All parameters, in registration order.
    public var parameters: [Tensor] { namedParameters().map(\.tensor) }

    /// Parameters and buffers together: what a weights file stores.
    public func stateDict() -> [(name: String, tensor: Tensor)] { namedParameters() + namedBuffers() }

    /// The state of this module's own random stream (dropout), or nil when it draws no random numbers.
    /// Checkpoints save and restore it so a resumed run draws the same masks.
    open var ownRandomState: [UInt64]? {
        get { nil }
        set {}
    }

    /// Random-stream states of this module and its descendants, by dotted module name.
    public func namedRandomStates(prefix: String = "") -> [(name: String, state: [UInt64])] {
        (ownRandomState.map { [(prefix.isEmpty ? "self" : String(prefix.dropLast()), $0)] } ?? [])
            + children.flatMap { $0.module.namedRandomStates(prefix: prefix + $0.name + ".") }
    }

    /// Restores what `namedRandomStates()` returned; names not present are left alone.
    public func restoreRandomStates(_ states: [String: [UInt64]], prefix: String = "") {
        if let state = states[prefix.isEmpty ? "self" : String(prefix.dropLast())] { ownRandomState = state }
        for child in children { child.module.restoreRandomStates(states, prefix: prefix + child.name + ".") }
    }

    /// Sets training (true) or evaluation (false) mode on this module and all descendants.
    public func train(_ on: Bool = true) {
        isTraining = on
        for child in children { child.module.train(on) }
    }

    /// Evaluation mode (PyTorch's `eval()`).
    public func eval() { train(false) }

    /// Clears the gradients of every parameter.
    public func zeroGrad() { for p in parameters { p.grad = nil } }

    /// Applies the module. Subclasses override this.
    open func callAsFunction(_ input: Tensor) -> Tensor {
        preconditionFailure("\(type(of: self)) does not implement callAsFunction")
    }

    /// The output shape for an input of `inputShape` (batch axis included), or an error message
    /// saying why the input does not fit. Used to check method files before any training starts.
    open func outputShape(for inputShape: [Int]) -> Result<[Int], ShapeError> {
        .success(inputShape)
    }
}

/// Why a layer cannot take an input shape (e.g. `Linear(in_features: 784)` given 748 features).
public struct ShapeError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
