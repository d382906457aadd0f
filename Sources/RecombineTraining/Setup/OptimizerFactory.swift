import RecombineMethod
import RecombineNN
import RecombineTensor

/// torch.optim optimizers and lr_scheduler schedules from their method-file form.
enum OptimizerFactory {
    static func make(_ spec: OptimizerSpec, parameters: [Tensor]) throws -> Optimizer {
        let a = spec.arguments
        func d(_ key: String, _ fallback: Double) -> Double { a[key]?.number ?? fallback }
        let betas = a["betas"]?.array?.compactMap(\.number)
        let groups = [ParameterGroup(parameters: parameters, learningRate: d("lr", spec.type == "SGD" ? 0.001 : spec.type == "RMSprop" || spec.type == "Adagrad" ? 0.01 : 0.001))]
        switch spec.type {
        case "SGD": return SGD(groups: groups, momentum: d("momentum", 0), dampening: d("dampening", 0), weightDecay: d("weight_decay", 0), nesterov: a["nesterov"]?.bool ?? false)
        case "Adam": return Adam(groups: groups, betas: (betas?.first ?? 0.9, betas?.last ?? 0.999), eps: d("eps", 1e-8), weightDecay: d("weight_decay", 0), amsgrad: a["amsgrad"]?.bool ?? false)
        case "AdamW": return AdamW(groups: groups, betas: (betas?.first ?? 0.9, betas?.last ?? 0.999), eps: d("eps", 1e-8), weightDecay: d("weight_decay", 0.01), amsgrad: a["amsgrad"]?.bool ?? false)
        case "RMSprop": return RMSprop(groups: groups, alpha: d("alpha", 0.99), eps: d("eps", 1e-8), weightDecay: d("weight_decay", 0), momentum: d("momentum", 0), centered: a["centered"]?.bool ?? false)
        case "Adagrad": return Adagrad(groups: groups, learningRateDecay: d("lr_decay", 0), weightDecay: d("weight_decay", 0), initialAccumulatorValue: d("initial_accumulator_value", 0), eps: d("eps", 1e-10))
        default: throw TrainingError("\(spec.pointer): unknown optimizer '\(spec.type)'")
        }
    }

    static func schedule(_ spec: SchedulerSpec) throws -> LearningRateScheduler.Schedule {
        let a = spec.arguments
        switch spec.type {
        case "StepLR": return .step(stepSize: a["step_size"]?.integer ?? 1, gamma: a["gamma"]?.number ?? 0.1)
        case "MultiStepLR": return .multiStep(milestones: a["milestones"]?.array?.compactMap(\.integer) ?? [], gamma: a["gamma"]?.number ?? 0.1)
        case "ExponentialLR": return .exponential(gamma: a["gamma"]?.number ?? 1)
        case "CosineAnnealingLR": return .cosineAnnealing(tMax: a["T_max"]?.integer ?? 1, etaMin: a["eta_min"]?.number ?? 0)
        case "LinearLR": return .linear(startFactor: a["start_factor"]?.number ?? 1.0 / 3, endFactor: a["end_factor"]?.number ?? 1, totalIterations: a["total_iters"]?.integer ?? 5)
        default: throw TrainingError("\(spec.pointer): unknown scheduler '\(spec.type)'")
        }
    }
}
