#!/usr/bin/env python3
"""How accurate a finished run's confident assignments are (Docs/recombination.md, Fashion round 10).

Reads each run folder's final.safetensors: the analysis sample of the last evaluated dataset (features, sample
indices, labels) and the centroids. Assigns each sampled image by the Student-t kernel q ∝ 1 / (1 + ‖z − μ‖^power)
(power 4: the reference numerics the contrastive CNNs run with; 2: DEC's), and prints which share of the images is
assigned with q at least 0.9, 0.95 and 0.99, and which share of the images at 0.9 or more, and of the rest, belongs
to its cluster's majority class. NumPy and safetensors only; the run's own predictions are not read.

    python3 Scripts/probes/confident-assignments.py RUN_DIR [RUN_DIR ...] [--power 4] [--threshold 0.9]
"""
import argparse
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", nargs="+", type=Path)
    parser.add_argument("--power", type=float, default=4.0, help="the Student-t kernel's power of the distance")
    parser.add_argument("--threshold", type=float, default=0.9, help="the confidence that splits the images")
    args = parser.parse_args()
    print("run | images | q >= 0.9 | q >= 0.95 | q >= 0.99 | majority class, confident | majority class, rest")
    for run in args.runs:
        tensors = load_file(str(run / "final.safetensors"))
        features, centroids = tensors["analysis/features"], tensors["strategy/centroids"]
        labels = tensors["analysis/labels"].astype(int)[tensors["analysis/sample_indices"].astype(int)]
        distances = np.sqrt(((features[:, None, :] - centroids[None]) ** 2).sum(-1))
        kernel = 1.0 / (1.0 + distances ** args.power)
        q = kernel / kernel.sum(1, keepdims=True)
        clusters, confidence = q.argmax(1), q.max(1)
        counts = np.zeros((len(centroids), labels.max() + 1))
        np.add.at(counts, (clusters, labels), 1)
        in_majority = counts.argmax(1)[clusters] == labels
        confident = confidence >= args.threshold
        shares = [f"{(confidence >= t).mean():.3f}" for t in (0.9, 0.95, 0.99)]
        print(f"{run} | {len(labels)} | {' | '.join(shares)} | {in_majority[confident].mean():.3f} | "
              f"{in_majority[~confident].mean():.3f}")


if __name__ == "__main__":
    main()
