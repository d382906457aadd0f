"""Powers for ArithmeticGradientTests (Tests/RecombineTensorTests/ArithmeticGradientTests.swift)."""
import torch

from _common import header, show, test

header(torch)
x = torch.tensor([-2.0, -0.5, 0.0, 0.5, 3.0], dtype=torch.float64, requires_grad=True)

test("ArithmeticGradientTests.testPowMatchesTorchOnNegativeBasesAndZero")
for p in [3, 2, 0, -1, 0.5]:
    show(f"pow(x, {p})", torch.pow(x, p))
cube = torch.pow(x, 3)
cube.sum().backward()
show("d/dx sum(pow(x, 3))", x.grad)
show("pow(x, [3, -2, 0, 0, 0.5])", torch.pow(x, torch.tensor([3, -2, 0, 0, 0.5], dtype=torch.float64)))
