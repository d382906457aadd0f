"""Softmax-family values for ReductionGradientTests (Tests/RecombineTensorTests/ReductionGradientTests.swift)."""
import torch

from _common import header, show, test

header(torch)

test("ReductionGradientTests.testSoftmaxFamily")
big = torch.tensor([[1000.0, 1001, 1002]], dtype=torch.float64)
show("log_softmax([[1000, 1001, 1002]], 1)", torch.log_softmax(big, 1))
show("softmax([[1000, 1001, 1002]], 1)", torch.softmax(big, 1))
show("logsumexp([[1000, 1001, 1002]], 1)", torch.logsumexp(big, 1))
