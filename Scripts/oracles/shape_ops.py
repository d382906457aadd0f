"""Gather and cosine-similarity values for ShapeOpsTests (Tests/RecombineTensorTests/ShapeOpsTests.swift)."""
import torch
import torch.nn.functional as F

from _common import header, show, test

header(torch)
torch.set_default_dtype(torch.float64)

test("ShapeOpsTests.testGatherMatchesTorchSemantics")
show("gather([[1, 2, 3], [4, 5, 6]], 1, [[2, 0], [1, 1]])",
     torch.gather(torch.tensor([[1.0, 2, 3], [4, 5, 6]]), 1, torch.tensor([[2, 0], [1, 1]])))
show("gather([[1, 2], [3, 4], [5, 6]], 0, [[2, 0], [0, 0]])",
     torch.gather(torch.tensor([[1.0, 2], [3, 4], [5, 6]]), 0, torch.tensor([[2, 0], [0, 0]])))

test("ShapeOpsTests.testCosineSimilarityMatchesTorch")
a = torch.tensor([[1, 2], [0, 0], [3, -1]])
b = torch.tensor([[1, 1], [-2, 0.5]])
show("cosine_similarity(a[:, None], b[None], dim=2)", F.cosine_similarity(a[:, None], b[None], dim=2))
