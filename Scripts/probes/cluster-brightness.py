#!/usr/bin/env python3
"""Whether a run's clusters follow the garments' brightness (Docs/recombination.md, Fashion round 11).

Reads a run's or a record's predictions (`predictions.csv` or `predictions.csv.gz`: index, cluster, label) and the
images of the dataset it scored (gzip IDX), and prints, for every class, the three clusters holding most of its
images with their count and the mean intensity of the inked pixels (those above 0.1 on a 0-1 scale) of the class's
images in that cluster. A class split over two clusters whose inked pixels differ by 0.2 or more is split by how
bright the garment is. NumPy only.

    python3 Scripts/probes/cluster-brightness.py PREDICTIONS [PREDICTIONS ...] \\
        --images DATA/fashion-mnist/t10k-images-idx3-ubyte.gz
"""
import argparse
import csv
import gzip
from pathlib import Path

import numpy as np


def read_images(path):
    """The images of a gzip IDX file as rows of floats in [0, 1]."""
    data = gzip.open(path).read()
    count, rows, columns = (int.from_bytes(data[i:i + 4], "big") for i in (4, 8, 12))
    return np.frombuffer(data[16:], dtype=np.uint8).reshape(count, rows * columns) / 255.0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("predictions", nargs="+", type=Path)
    parser.add_argument("--images", type=Path, required=True, help="the scored dataset's images (gzip IDX)")
    parser.add_argument("--ink", type=float, default=0.1, help="the intensity above which a pixel counts as inked")
    args = parser.parse_args()
    images = read_images(args.images)
    inked = images > args.ink
    brightness = np.where(inked.any(1), (images * inked).sum(1) / np.maximum(inked.sum(1), 1), 0.0)
    # Scaling each image's maximum to 1 (autocontrast) changes little when the images nearly reach it already.
    brightest = images.max(1)
    print(f"{len(images)} images; brightest pixel 255: {np.mean(brightest == 1.0):.3f}, "
          f"at least 0.9: {np.mean(brightest >= 0.9):.3f}")
    for path in args.predictions:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt") as file:
            rows = list(csv.DictReader(file))
        index = np.array([int(r["index"]) for r in rows])
        cluster = np.array([int(r["cluster"]) for r in rows])
        label = np.array([int(r["label"]) for r in rows])
        print(path)
        for c in np.unique(label):
            members = label == c
            counts = np.bincount(cluster[members], minlength=cluster.max() + 1)
            parts = []
            for k in counts.argsort()[::-1][:3]:
                chosen = members & (cluster == k)
                if chosen.any():
                    parts.append(f"cluster {k}: {chosen.sum()} at {brightness[index[chosen]].mean():.3f}")
            print(f"  class {c}: " + ", ".join(parts))


if __name__ == "__main__":
    main()
