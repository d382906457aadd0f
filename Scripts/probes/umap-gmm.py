#!/usr/bin/env python3
"""Whether N2D's manifold step (UMAP of an embedding, then a Gaussian mixture) would lift a recombine
embedding before the ontology gets it (Docs/recombination.md, Fashion round 2). A probe, not UMAP-learn:
its fuzzy k-nearest-neighbour graph (smooth kNN distances, fuzzy union), spectral start, a and b fitted to
min_dist and the cross-entropy layout by sampled edges and negative samples follow McInnes et al. (2018),
but each epoch applies its sampled updates at once instead of one after another, and the test split is
placed at the membership-weighted mean of its training neighbours' positions (UMAP's transform without its
refinement epochs), so that nothing is fitted on test images (the inductive protocol of issue 23).

Embedding: either --encoder, a safetensors file of an MLP feature extractor as recombine saves it
(net.<i>.weight/bias, ReLU between the Linear layers, Flatten first; images scaled to [0, 1]) applied to
--dataset's IDX files under --data-root, or two .npy files from `recombine predict RUN DATASET --features`
and `recombine predict RUN DATASET:test --features` (--train-features, --test-features).

Prints, for the raw embedding (k-means with 10 restarts, then a Gaussian mixture from each of
--mixture-seeds) and for its UMAP (a mixture from --seed), ACC on the training split's last 10 000 images
(the validation slice of Docs/recombination.md) and ACC, NMI and ARI on the test split. Everything is fitted
on the 60 000 training images.

  python3 Scripts/probes/umap-gmm.py --encoder RUN/pretrained/<name>_encoder.safetensors \\
      --dataset fashion-mnist --data-root ../shared/datasets --neighbours 10 --seed 0
Needs numpy, scipy, scikit-learn, safetensors; about 5 minutes of one core for 60 000 images."""
import argparse
import gzip
import sys
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.optimize import curve_fit, linear_sum_assignment
from scipy.sparse.linalg import eigsh
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.cluster import KMeans
from sklearn.mixture import GaussianMixture

VALIDATION_START = 50000


def accuracy(truth, prediction):
    k = max(truth.max(), prediction.max()) + 1
    counts = np.zeros((k, k))
    np.add.at(counts, (prediction, truth), 1)
    rows, cols = linear_sum_assignment(-counts)
    return counts[rows, cols].sum() / len(truth)


def idx(path):
    data = gzip.open(path).read()
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(data[3])]
    return np.frombuffer(data[4 + 4 * data[3]:], dtype=np.uint8).reshape(dims)


def mlp_features(encoder, images):
    from safetensors.numpy import load_file
    weights = load_file(encoder)
    layers = sorted({int(k.split(".")[1]) for k in weights if k.endswith(".weight")})
    h = images.reshape(len(images), -1).astype(np.float32) / 255
    for n, layer in enumerate(layers):
        h = h @ weights[f"net.{layer}.weight"].T + weights[f"net.{layer}.bias"]
        if n < len(layers) - 1:
            h = np.maximum(h, 0)
    return h


def nearest_neighbours(queries, points, k, exclude_self):
    squared = (points * points).sum(1)
    indices = np.empty((len(queries), k), int)
    distances = np.empty((len(queries), k), np.float32)
    for start in range(0, len(queries), 1000):
        q = queries[start:start + 1000]
        d = np.maximum((q * q).sum(1)[:, None] + squared[None, :] - 2 * q @ points.T, 0)
        if exclude_self:
            d[np.arange(len(q)), np.arange(start, start + len(q))] = np.inf
        part = np.argpartition(d, k, axis=1)[:, :k]
        near = np.take_along_axis(d, part, 1)
        order = np.argsort(near, 1)
        indices[start:start + len(q)] = np.take_along_axis(part, order, 1)
        distances[start:start + len(q)] = np.sqrt(np.take_along_axis(near, order, 1))
    return indices, distances


def memberships(distances):
    """exp(−(d − ρ)/σ) with ρ the nearest distance and σ such that the k memberships sum to log2(k + 1)."""
    target = np.log2(distances.shape[1] + 1)
    rho = distances[:, 0].copy()
    low, high, sigma = np.zeros(len(distances)), np.full(len(distances), np.inf), np.ones(len(distances))
    for _ in range(64):
        total = np.exp(-np.maximum(distances - rho[:, None], 0) / sigma[:, None]).sum(1)
        above = total > target
        high = np.where(above, sigma, high)
        low = np.where(above, low, sigma)
        sigma = np.where(above | np.isfinite(high), (low + high) / 2, sigma * 2)
    return np.exp(-np.maximum(distances - rho[:, None], 0) / sigma[:, None])


def curve(min_dist, spread=1.0):
    x = np.linspace(0, 3 * spread, 300)
    y = np.where(x < min_dist, 1.0, np.exp(-(x - min_dist) / spread))
    (a, b), _ = curve_fit(lambda x, a, b: 1 / (1 + a * x ** (2 * b)), x, y)
    return a, b


def add_rows(y, rows, values):
    for j in range(y.shape[1]):
        y[:, j] += np.bincount(rows, values[:, j], minlength=len(y))


def umap(points, k, dimensions, min_dist, epochs, negatives, rng):
    n = len(points)
    neighbours, distances = nearest_neighbours(points, points, k, exclude_self=True)
    directed = sparse.csr_matrix(
        (memberships(distances).ravel(), (np.repeat(np.arange(n), k), neighbours.ravel())), shape=(n, n))
    graph = (directed + directed.T - directed.multiply(directed.T)).tocoo()
    degree = np.asarray(graph.sum(1)).ravel()
    scale = sparse.diags(1 / np.sqrt(degree))
    laplacian = sparse.identity(n) - scale @ graph @ scale
    values, vectors = eigsh(laplacian, k=dimensions + 1, which="SM", tol=1e-4, v0=np.ones(n), maxiter=n * 5)
    y = vectors[:, np.argsort(values)[1:dimensions + 1]]
    y = 10 * (y - y.min(0)) / (y.max(0) - y.min(0))
    a, b = curve(min_dist)
    keep = graph.data >= graph.data.max() / epochs
    heads, tails = graph.row[keep], graph.col[keep]
    probability = graph.data[keep] / graph.data.max()
    for epoch in range(epochs):
        rate = 1 - epoch / epochs
        chosen = rng.random(len(probability)) < probability
        h, t = heads[chosen], tails[chosen]
        diff = y[h] - y[t]
        d2 = (diff * diff).sum(1)
        coefficient = np.where(d2 > 0, -2 * a * b * d2 ** (b - 1) / (1 + a * d2 ** b), 0)
        step = np.clip(coefficient[:, None] * diff, -4, 4) * rate
        add_rows(y, h, step)
        add_rows(y, t, -step)
        h = np.repeat(h, negatives)
        t = rng.integers(0, n, len(h))
        diff = y[h] - y[t]
        d2 = (diff * diff).sum(1)
        coefficient = np.where(t == h, 0, 2 * b / ((0.001 + d2) * (1 + a * d2 ** b)))
        add_rows(y, h, np.clip(coefficient[:, None] * diff, -4, 4) * rate)
    return y


def placed(queries, points, embedding, k):
    neighbours, distances = nearest_neighbours(queries, points, k, exclude_self=False)
    weights = memberships(distances)
    weights /= weights.sum(1, keepdims=True)
    return (weights[:, :, None] * embedding[neighbours]).sum(1)


def report(name, model, train, test, train_labels, test_labels):
    model.fit(train)
    validation, predicted = model.predict(train[VALIDATION_START:]), model.predict(test)
    if isinstance(model, GaussianMixture):
        name += f", mean log-likelihood {model.score(train):.4f}"
    print(f"{name}: validation ACC {accuracy(train_labels[VALIDATION_START:], validation):.4f}, "
          f"test ACC {accuracy(test_labels, predicted):.4f}, NMI {normalized_mutual_info_score(test_labels, predicted):.4f}, "
          f"ARI {adjusted_rand_score(test_labels, predicted):.4f}", flush=True)


def mixture(seed):
    return GaussianMixture(10, covariance_type="full", random_state=seed)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--encoder")
    parser.add_argument("--train-features")
    parser.add_argument("--test-features")
    parser.add_argument("--dataset", default="fashion-mnist", help="folder under --data-root with the IDX files")
    parser.add_argument("--data-root", required=True)
    parser.add_argument("--neighbours", type=int, default=10)
    parser.add_argument("--dimensions", type=int, default=10)
    parser.add_argument("--min-dist", type=float, default=0.0)
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--negatives", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0, help="the UMAP layout's and its mixture's seed")
    parser.add_argument("--mixture-seeds", default="0", help="comma-separated seeds of the raw embedding's mixtures")
    parser.add_argument("--skip-umap", action="store_true")
    args = parser.parse_args()
    folder = Path(args.data_root) / args.dataset
    train_labels = idx(folder / "train-labels-idx1-ubyte.gz").astype(int)
    test_labels = idx(folder / "t10k-labels-idx1-ubyte.gz").astype(int)
    if args.encoder:
        train = mlp_features(args.encoder, idx(folder / "train-images-idx3-ubyte.gz"))
        test = mlp_features(args.encoder, idx(folder / "t10k-images-idx3-ubyte.gz"))
    elif args.train_features and args.test_features:
        train, test = np.load(args.train_features), np.load(args.test_features)
    else:
        sys.exit("give --encoder, or --train-features and --test-features")
    train, test = train.astype(np.float32), test.astype(np.float32)
    report("embedding + k-means (10 restarts, seed 0)", KMeans(10, n_init=10, random_state=0), train, test,
           train_labels, test_labels)
    for seed in (int(s) for s in args.mixture_seeds.split(",")):
        report(f"embedding + Gaussian mixture (seed {seed})", mixture(seed), train, test, train_labels, test_labels)
    if args.skip_umap:
        return
    rng = np.random.default_rng(args.seed)
    embedding = umap(train, args.neighbours, args.dimensions, args.min_dist, args.epochs, args.negatives, rng)
    report(f"UMAP ({args.neighbours} neighbours, seed {args.seed}) + Gaussian mixture (seed {args.seed})",
           mixture(args.seed), embedding, placed(test, train, embedding, args.neighbours), train_labels, test_labels)


if __name__ == "__main__":
    main()
