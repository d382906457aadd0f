"""The rotation in TransformTests (Tests/RecombineDataTests/TransformTests.swift)."""
import torch
import torchvision
import torchvision.transforms.functional as F

from _common import header, show, test

header(torch, torchvision)

test("TransformTests.testAffineIdentityAndRotationByNinetyDegrees")
square = torch.arange(9, dtype=torch.float32).view(1, 3, 3)
show("rotate(arange(9).view(1, 3, 3), 90)", F.rotate(square, 90.0))
