"""Activation values for UnaryGradientTests (Tests/RecombineTensorTests/UnaryGradientTests.swift)."""
import torch
import torch.nn.functional as F

from _common import header, show, test

header(torch)
x = torch.tensor([-2.0, -0.5, 0.0, 0.5, 30.0], dtype=torch.float64)

test("UnaryGradientTests.testActivationValuesMatchTorch")
show("relu", F.relu(x))
show("leaky_relu", F.leaky_relu(x))
show("leaky_relu(negative_slope=0.2)", F.leaky_relu(x, 0.2))
show("elu", F.elu(x))
show("elu(alpha=1.3)", F.elu(x, 1.3))
show("celu(alpha=0.7)", F.celu(x, 0.7))
show("selu", F.selu(x))
show("gelu", F.gelu(x))
show("sigmoid", torch.sigmoid(x))
show("tanh", torch.tanh(x))
show("softplus", F.softplus(x))
show("softplus(beta=2, threshold=20)", F.softplus(x, 2, 20))
show("hardtanh", F.hardtanh(x))
show("hardtanh(-0.25, 0.75)", F.hardtanh(x, -0.25, 0.75))
