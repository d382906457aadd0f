"""Pooling and upsampling forward values for Tests/RecombineTensorTests/PoolingTests.swift."""
import torch
import torch.nn.functional as F

from _common import header, show, test

header(torch)
# x = ((arange(60) mod 7) − 3)/3 viewed as [2, 1, 5, 6]
x = ((torch.arange(60, dtype=torch.float64) % 7 - 3) / 3).view(2, 1, 5, 6)

test("PoolingTests.testMaxPoolCeilModeAndPaddingMatchTorch")
show("max_pool2d(x, 2, ceil_mode=True)", F.max_pool2d(x, 2, ceil_mode=True))
show("max_pool2d(x, (3, 2), 2, 1, ceil_mode=True)", F.max_pool2d(x, (3, 2), 2, 1, ceil_mode=True))

test("PoolingTests.testAvgPoolPaddingRulesMatchTorch")
show("avg_pool2d(x, 3, 2, 1, ceil_mode=True)", F.avg_pool2d(x, 3, 2, 1, ceil_mode=True))
show("avg_pool2d(x, 3, 2, 1, count_include_pad=False)", F.avg_pool2d(x, 3, 2, 1, count_include_pad=False))

test("PoolingTests.testAdaptiveAndUpsampleMatchTorch")
show("adaptive_avg_pool2d(x, (3, 4))", F.adaptive_avg_pool2d(x, (3, 4)))
show("interpolate(x, (7, 9))", F.interpolate(x, size=(7, 9)))
show("interpolate(x, scale_factor=(2, 1.5), mode='bilinear')", F.interpolate(x, scale_factor=(2, 1.5), mode="bilinear"))
show("interpolate(x, (4, 8), mode='bilinear', align_corners=True)",
     F.interpolate(x, size=(4, 8), mode="bilinear", align_corners=True))
