"""Transposed-convolution forward values for Tests/RecombineTensorTests/ConvolutionTests.swift."""
import torch
import torch.nn.functional as F

from _common import header, show, test

header(torch)

test("ConvolutionTests.testConvTranspose2dForwardMatchesTorch")
x = torch.arange(8, dtype=torch.float64).view(1, 2, 2, 2) / 4
w = torch.arange(8, dtype=torch.float64).view(2, 1, 2, 2) / 8
show("conv_transpose2d(x, w, stride=2)", F.conv_transpose2d(x, w, stride=2))
# Overlapping windows, padding, output padding, dilation, groups and a bias.
x = ((torch.arange(12, dtype=torch.float64) % 5 - 2) / 4).view(1, 2, 2, 3)
w = ((torch.arange(12, dtype=torch.float64) % 7 - 3) / 8).view(2, 1, 2, 3)
b = torch.tensor([0.5, -0.25], dtype=torch.float64)
show("conv_transpose2d(x, w, b, (2, 1), (0, 1), (1, 0), groups=2, dilation=(1, 2))",
     F.conv_transpose2d(x, w, b, stride=(2, 1), padding=(0, 1), output_padding=(1, 0), groups=2, dilation=(1, 2)))
