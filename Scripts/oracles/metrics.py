"""The assignment in MetricsTests.testHandComputedCases (Tests/RecombineClusteringTests/MetricsTests.swift)."""
import numpy as np
import scipy
from scipy.optimize import linear_sum_assignment

from _common import header, show, test

header(np, scipy)

test("MetricsTests.testHandComputedCases")
cost = np.array([[4, 1, 3], [2, 0, 5], [3, 2, 2]], dtype=np.float64)
rows, cols = linear_sum_assignment(cost)
show("linear_sum_assignment rows", rows)
show("linear_sum_assignment columns", cols)
show("cost", cost[rows, cols].sum())
