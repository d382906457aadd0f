"""Batch normalisation values for NormalizationTests (Tests/RecombineTensorTests/PoolingTests.swift) and
ConvolutionalLayerTests (Tests/RecombineNNTests/LayerTests.swift)."""
import torch
import torch.nn.functional as F

from _common import header, show, test

header(torch)

test("NormalizationTests.testBatchNormTrainingUpdatesRunningStatisticsAsTorch")
x = torch.tensor([1, 2, 3, 4, 5, 6, 7, 9], dtype=torch.float64).view(4, 2)
running_mean, running_var = torch.zeros(2, dtype=torch.float64), torch.ones(2, dtype=torch.float64)
show("training output", F.batch_norm(x, running_mean, running_var, training=True, momentum=0.1))
show("running mean", running_mean)
show("running var", running_var)
show("evaluation output", F.batch_norm(x, running_mean, running_var, training=False))

test("ConvolutionalLayerTests.testBatchNormLayerTracksBatchesAndSwitchesModes")
bn = torch.nn.BatchNorm1d(2)  # float32, as the test's layer
bn(torch.tensor([[1, 2], [3, 4]], dtype=torch.float32))
show("bn.num_batches_tracked", bn.num_batches_tracked)
show("bn.running_mean", bn.running_mean)
show("bn.running_var", bn.running_var)
bn.eval()
show("bn.eval() output", bn(torch.tensor([[1, 2]], dtype=torch.float32)))
