"""Fans, gains and the distributions of torch.nn.init and of torch's default layer initialisation, for
InitTests (Tests/RecombineNNTests/InitTests.swift) and ConvolutionalLayerTests (LayerTests.swift).

torch.nn.init computes bounds and standard deviations inline; this script applies those formulas to
torch's own fan and gain helpers, then shows the moments of torch's draws on the tests' shapes agree.
"""
import math

import scipy
import scipy.stats
import torch
from torch.nn import init

from _common import header, show, test

header(torch, scipy)
torch.manual_seed(0)


def fans(*shape):
    return init._calculate_fan_in_and_fan_out(torch.empty(*shape))


def sample_moments(label, tensor):
    show(f"{label}: mean of torch's draws", tensor.double().mean())
    show(f"{label}: variance of torch's draws", tensor.double().var(unbiased=False))


test("InitTests.testFansAndGainsAsTorch")
show("fans [64, 32, 3, 3] (in, out)", list(fans(64, 32, 3, 3)))
show("fans [10, 784] (in, out)", list(fans(10, 784)))
show("calculate_gain('relu')", init.calculate_gain("relu"))
show("calculate_gain('leaky_relu', sqrt(5))", init.calculate_gain("leaky_relu", math.sqrt(5)))
show("calculate_gain('tanh')", init.calculate_gain("tanh"))

test("InitTests.testDistributionsHaveTorchsMoments")
fan_in, fan_out = fans(400, 300)
bound = init.calculate_gain("linear") * math.sqrt(2.0 / (fan_in + fan_out)) * math.sqrt(3.0)
show("xavier_uniform_ [400, 300]: bound", bound)
show("xavier_uniform_ [400, 300]: variance bound²/3", bound**2 / 3)
sample_moments("xavier_uniform_ [400, 300]", init.xavier_uniform_(torch.empty(400, 300)))
std = init.calculate_gain("relu") / math.sqrt(init._calculate_correct_fan(torch.empty(400, 300), "fan_out"))
show("kaiming_normal_ [400, 300] fan_out relu: variance std²", std**2)
sample_moments("kaiming_normal_ [400, 300] fan_out relu",
               init.kaiming_normal_(torch.empty(400, 300), mode="fan_out", nonlinearity="relu"))
truncated = scipy.stats.truncnorm(-0.5, 1)
show("trunc_normal_(std=1, a=-0.5, b=1): mean", truncated.mean())
show("trunc_normal_(std=1, a=-0.5, b=1): variance", truncated.var())
sample_moments("trunc_normal_(std=1, a=-0.5, b=1) [400, 300]", init.trunc_normal_(torch.empty(400, 300), std=1, a=-0.5, b=1))
# nn.Linear's default: kaiming_uniform_(a=√5), so bound = √3 · gain('leaky_relu', √5) / √fan_in = 1/√fan_in.
bound = math.sqrt(3.0) * init.calculate_gain("leaky_relu", math.sqrt(5)) / math.sqrt(500)
show("Linear(500, 400).weight: bound", bound)
show("Linear(500, 400).weight: variance bound²/3", bound**2 / 3)
linear = torch.nn.Linear(500, 400)
show("Linear(500, 400).weight: largest |draw| of torch's", linear.weight.detach().abs().max().double())
sample_moments("Linear(500, 400).weight", linear.weight.detach())

test("ConvolutionalLayerTests.testConvolutionDefaultInitialisationBounds")
fan_in, _ = fans(32, 16, 3, 3)
show("Conv2d(16, 32, 3): weight bound √3 · gain('leaky_relu', √5) / √fan_in",
     math.sqrt(3.0) * init.calculate_gain("leaky_relu", math.sqrt(5)) / math.sqrt(fan_in))
show("Conv2d(16, 32, 3): bias bound 1/√fan_in", 1 / math.sqrt(fan_in))
conv = torch.nn.Conv2d(16, 32, 3)
show("Conv2d(16, 32, 3): largest |weight| of torch's", conv.weight.detach().abs().max().double())
show("Conv2d(16, 32, 3): largest |bias| of torch's", conv.bias.detach().abs().max().double())
