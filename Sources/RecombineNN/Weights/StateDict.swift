import RecombineTensor

/// A mismatch between a module and a state dict.
public struct StateDictError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

extension Module {
    /// Copies tensors into this module's parameters and buffers by name. With `strict`, missing and
    /// unexpected names are errors; shape mismatches always are (both shapes named).
    public func loadStateDict(_ tensors: [String: Tensor], strict: Bool = true) throws {
        let own = stateDict()
        var problems: [String] = []
        let ownNames = Set(own.map(\.name))
        if strict {
            let missing = own.map(\.name).filter { tensors[$0] == nil }
            let unexpected = tensors.keys.filter { !ownNames.contains($0) }.sorted()
            if !missing.isEmpty { problems.append("missing: \(missing.joined(separator: ", "))") }
            if !unexpected.isEmpty { problems.append("unexpected: \(unexpected.joined(separator: ", "))") }
        }
        for (name, target) in own {
            guard let source = tensors[name] else { continue }
            if source.shape != target.shape {
                problems.append("\(name): file has shape \(source.shape), the module \(target.shape)")
            }
        }
        if !problems.isEmpty {
            throw StateDictError(message: "cannot load weights: " + problems.joined(separator: "; "))
        }
        for (name, target) in own {
            guard let source = tensors[name] else { continue }
            target.assign(source.to(target.dtype))
        }
    }
}
