"""Loss values for Tests/RecombineTensorTests/LossesTests.swift (torch.nn.functional, float64)."""
import warnings

import torch
import torch.nn.functional as F

from _common import header, show, test

header(torch)
torch.set_default_dtype(torch.float64)
logits = torch.tensor([[0.2, -1.0, 0.5], [1.5, 0.3, -0.7]])
probabilities = torch.tensor([[0.1, 0.6, 0.3], [0.0, 0.5, 0.5]])
classes = torch.tensor([2, 0])

test("LossesTests.testCrossEntropyMatchesTorch")
show("cross_entropy(logits, [2, 0])", F.cross_entropy(logits, classes))
show("cross_entropy(logits, [2, 0], reduction='sum')", F.cross_entropy(logits, classes, reduction="sum"))
show("cross_entropy(logits, probabilities)", F.cross_entropy(logits, probabilities))

test("LossesTests.testKLDivergenceMatchesTorchIncludingZeroTargets")
log_q = F.log_softmax(logits, dim=1)
warnings.filterwarnings("ignore", "reduction: 'mean' divides")  # the test checks torch's 'mean' as it is
for reduction in ["batchmean", "mean", "sum"]:
    show(f"kl_div(log_softmax(logits), probabilities, reduction='{reduction}')",
         F.kl_div(log_q, probabilities, reduction=reduction))

test("LossesTests.testBinaryCrossEntropyClampsLogsLikeTorch")
show("binary_cross_entropy([0.9, 0, 0.3, 1], [1, 0, 1, 0])",
     F.binary_cross_entropy(torch.tensor([0.9, 0.0, 0.3, 1.0]), torch.tensor([1.0, 0.0, 1.0, 0.0])))

test("LossesTests.testMSEMatchesTorch")
show("mse_loss(logits, probabilities)", F.mse_loss(logits, probabilities))


def nt_xent(z1, z2, temperature):
    """SimCLR's NT-Xent (torch has no built-in) in torch operations: each of the 2B normalised rows against the other 2B − 1, its other view the positive."""
    z = F.normalize(torch.cat([z1, z2]), dim=1)
    similarities = (z @ z.T / temperature).fill_diagonal_(float("-inf"))
    n = z1.shape[0]
    return F.cross_entropy(similarities, torch.cat([torch.arange(n, 2 * n), torch.arange(n)]))


test("LossesTests.testNTXentMatchesTorch")
z1 = torch.tensor([[1, 2, 0.5], [0, -1, 1]])
z2 = torch.tensor([[0.5, 1, 1], [2, 0, -1]])
show("nt_xent(z1, z2, 0.5)", nt_xent(z1, z2, 0.5))
