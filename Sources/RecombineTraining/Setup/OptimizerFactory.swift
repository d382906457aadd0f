import RecombineMethod
import RecombineNN
import RecombineTensor

/// torch.optim optimizers and lr_scheduler schedules from their method-file form (every argument
/// present: the schema states torch's defaults, and the loader fills them in).
enum OptimizerFactory {
    struct SGDArguments: Decodable { let lr, momentum, dampening, weightDecay: Double; let nesterov: Bool }
    struct AdamArguments: Decodable {
        let lr: Double; let betas: [Double]; let eps, weightDecay: Double; let amsgrad: Bool
    }
    struct RMSpropArguments: Decodable { let lr, alpha, eps, weightDecay, momentum: Double; let centered: Bool }
    struct AdagradArguments: Decodable { let lr, lrDecay, weightDecay, initialAccumulatorValue, eps: Double }

    static func make(_ spec: OptimizerSpec, parameters: [Tensor]) throws -> Optimizer {
        let optimizer = try unclipped(spec, parameters: parameters)
        if let clipping = spec.gradientClipping {
            guard let scope = GradientClipping.Scope(rawValue: clipping.scope) else {
                throw TrainingError(
                    "\(spec.pointer)/gradient_clipping/scope: expected one of \(GradientClipping.Scope.allCases.map(\.rawValue).joined(separator: ", ")), found '\(clipping.scope)'"
                )
            }
            optimizer.gradientClipping = GradientClipping(maxNorm: clipping.maxNorm, scope: scope)
        }
        return optimizer
    }

    /// The optimizer of a type with its arguments.
    static func unclipped(_ spec: OptimizerSpec, parameters: [Tensor]) throws -> Optimizer {
        func arguments<A: Decodable>(_ type: A.Type) throws -> A {
            try spec.arguments.decode(A.self, at: spec.pointer, what: "optimizer '\(spec.type)'")
        }
        func groups(_ lr: Double) -> [ParameterGroup] { [ParameterGroup(parameters: parameters, learningRate: lr)] }
        func betas(_ a: AdamArguments) throws -> (Double, Double) {
            guard a.betas.count == 2 else {
                throw TrainingError("\(spec.pointer)/betas: expected two numbers, found \(a.betas.count)")
            }
            return (a.betas[0], a.betas[1])
        }
        switch spec.type {
        case "SGD":
            let a = try arguments(SGDArguments.self)
            return SGD(
                groups: groups(a.lr), momentum: a.momentum, dampening: a.dampening, weightDecay: a.weightDecay,
                nesterov: a.nesterov)
        case "Adam":
            let a = try arguments(AdamArguments.self)
            return Adam(
                groups: groups(a.lr), betas: try betas(a), eps: a.eps, weightDecay: a.weightDecay, amsgrad: a.amsgrad)
        case "AdamW":
            let a = try arguments(AdamArguments.self)
            return AdamW(
                groups: groups(a.lr), betas: try betas(a), eps: a.eps, weightDecay: a.weightDecay, amsgrad: a.amsgrad)
        case "RMSprop":
            let a = try arguments(RMSpropArguments.self)
            return RMSprop(
                groups: groups(a.lr), alpha: a.alpha, eps: a.eps, weightDecay: a.weightDecay, momentum: a.momentum,
                centered: a.centered)
        case "Adagrad":
            let a = try arguments(AdagradArguments.self)
            return Adagrad(
                groups: groups(a.lr), learningRateDecay: a.lrDecay, weightDecay: a.weightDecay,
                initialAccumulatorValue: a.initialAccumulatorValue, eps: a.eps)
        default: throw TrainingError("\(spec.pointer): unknown optimizer '\(spec.type)'")
        }
    }

    struct StepArguments: Decodable { let stepSize: Int; let gamma: Double }
    struct MultiStepArguments: Decodable { let milestones: [Int]; let gamma: Double }
    struct ExponentialArguments: Decodable { let gamma: Double }
    struct CosineAnnealingArguments: Decodable {
        let tMax: Int, etaMin: Double
        enum CodingKeys: String, CodingKey {
            case tMax = "TMax"
            case etaMin
        }
    }
    struct LinearArguments: Decodable { let startFactor, endFactor: Double; let totalIters: Int }

    static func schedule(_ spec: SchedulerSpec) throws -> LearningRateScheduler.Schedule {
        func arguments<A: Decodable>(_ type: A.Type) throws -> A {
            try spec.arguments.decode(A.self, at: spec.pointer, what: "scheduler '\(spec.type)'")
        }
        switch spec.type {
        case "StepLR":
            let a = try arguments(StepArguments.self)
            return .step(stepSize: a.stepSize, gamma: a.gamma)
        case "MultiStepLR":
            let a = try arguments(MultiStepArguments.self)
            return .multiStep(milestones: a.milestones, gamma: a.gamma)
        case "ExponentialLR": return .exponential(gamma: try arguments(ExponentialArguments.self).gamma)
        case "CosineAnnealingLR":
            let a = try arguments(CosineAnnealingArguments.self)
            return .cosineAnnealing(tMax: a.tMax, etaMin: a.etaMin)
        case "LinearLR":
            let a = try arguments(LinearArguments.self)
            return .linear(startFactor: a.startFactor, endFactor: a.endFactor, totalIterations: a.totalIters)
        default: throw TrainingError("\(spec.pointer): unknown scheduler '\(spec.type)'")
        }
    }
}
