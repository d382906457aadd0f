"""Optimizer and scheduler values for Tests/RecombineNNTests/OptimizerTests.swift (torch.optim, float64)."""
import torch

from _common import header, show, test

header(torch)
torch.set_default_dtype(torch.float64)
GRADIENTS = [[0.1, -0.2, 0.3, 0.0], [-0.5, 0.4, 0.0, 1.0], [0.2, 0.2, -0.1, 0.3]]


def three_steps(make):
    """The parameter after one step per fixed gradient, from [[0.5, −1], [2, 0.25]]."""
    p = torch.tensor([[0.5, -1.0], [2.0, 0.25]], requires_grad=True)
    optimizer = make([p])
    for g in GRADIENTS:
        p.grad = torch.tensor(g).view(2, 2)
        optimizer.step()
    return p


test("OptimizerTests.testSGDWithMomentumDampeningAndWeightDecay")
show("SGD(lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01)",
     three_steps(lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01)))
show("SGD(lr=0.1, momentum=0.9, nesterov=True)", three_steps(lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True)))

test("OptimizerTests.testAdamAMSGradWithWeightDecayAndAdamW")
show("Adam(lr=0.01, weight_decay=0.1, amsgrad=True)",
     three_steps(lambda p: torch.optim.Adam(p, lr=0.01, weight_decay=0.1, amsgrad=True)))
show("AdamW(lr=0.01, weight_decay=0.1)", three_steps(lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.1)))

test("OptimizerTests.testRMSpropCenteredWithMomentumAndAdagrad")
show("RMSprop(lr=0.01, weight_decay=0.1, momentum=0.5, centered=True)",
     three_steps(lambda p: torch.optim.RMSprop(p, lr=0.01, weight_decay=0.1, momentum=0.5, centered=True)))
show("Adagrad(lr=0.1, lr_decay=0.1, weight_decay=0.1, initial_accumulator_value=0.5)",
     three_steps(lambda p: torch.optim.Adagrad(p, lr=0.1, lr_decay=0.1, weight_decay=0.1, initial_accumulator_value=0.5)))


def rates(make):
    """The learning rate at each of 7 epochs of SGD(lr=0.5) under a scheduler stepped once per epoch."""
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.5)
    scheduler = make(optimizer)
    out = []
    for _ in range(7):
        out.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return out


S = torch.optim.lr_scheduler
test("OptimizerTests.testSchedulersMatchTorch")
show("StepLR(step_size=2, gamma=0.5)", rates(lambda o: S.StepLR(o, step_size=2, gamma=0.5)))
show("MultiStepLR(milestones=[1, 4], gamma=0.1)", rates(lambda o: S.MultiStepLR(o, milestones=[1, 4], gamma=0.1)))
show("ExponentialLR(gamma=0.9)", rates(lambda o: S.ExponentialLR(o, gamma=0.9)))
show("CosineAnnealingLR(T_max=5, eta_min=0.01)", rates(lambda o: S.CosineAnnealingLR(o, T_max=5, eta_min=0.01)))
show("LinearLR(start_factor=0.25, end_factor=1, total_iters=4)",
     rates(lambda o: S.LinearLR(o, start_factor=0.25, end_factor=1, total_iters=4)))


def clipped_steps(clip):
    """Two parameters after SGD(lr=0.1, momentum=0.9) steps on fixed gradients, each step after `clip`."""
    p = torch.tensor([[0.5, -1.0], [2.0, 0.25]], requires_grad=True)
    q = torch.tensor([0.75], requires_grad=True)
    optimizer = torch.optim.SGD([p, q], lr=0.1, momentum=0.9)
    for g, h in zip(GRADIENTS, [[0.6], [-0.1], [0.2]]):
        p.grad, q.grad = torch.tensor(g).view(2, 2), torch.tensor(h)
        clip([p, q])
        optimizer.step()
    return torch.cat([p.detach().flatten(), q.detach()])


def keras_clipnorm(parameters, clip_norm=0.5):
    """tf.clip_by_norm on each gradient: g * clip_norm / max(||g||, clip_norm)."""
    for t in parameters:
        t.grad.mul_(clip_norm / max(t.grad.norm().item(), clip_norm))


test("GradientClippingTests.testOptimizerStepsWithClippedGradientsMatchTorch")
show("SGD(lr=0.1, momentum=0.9) after clip_grad_norm_(max_norm=0.5)",
     clipped_steps(lambda ps: torch.nn.utils.clip_grad_norm_(ps, max_norm=0.5)))
show("SGD(lr=0.1, momentum=0.9) after Keras clipnorm=0.5 per tensor", clipped_steps(keras_clipnorm))
