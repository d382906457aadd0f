"""Shared fixtures: the recombine binary (RECOMBINE_BIN), the repository, small methods and runs."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

import recombine

REPOSITORY = Path(__file__).resolve().parents[2]
CONFIGURATIONS = REPOSITORY / "Configurations"


@pytest.fixture(scope="session", autouse=True)
def recombine_binary():
    """The binary every test drives: missing, the tests fail under CI=true and skip elsewhere."""
    # A relative RECOMBINE_BIN (.ci/run's) is made absolute, as tests change the working directory.
    if os.environ.get("RECOMBINE_BIN"):
        os.environ["RECOMBINE_BIN"] = os.path.abspath(os.environ["RECOMBINE_BIN"])
    try:
        return recombine.find_binary()
    except recombine.BinaryNotFoundError as error:
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail(f"CI=true and the recombine binary is missing: {error}")
        pytest.skip(f"the recombine binary is needed: {error}")


def clustering_accuracy(truth, prediction) -> float:
    """ACC: the share of samples whose cluster maps to their class under the best one-to-one matching."""
    from scipy.optimize import linear_sum_assignment

    truth, prediction = np.asarray(truth), np.asarray(prediction)
    classes, clusters = np.unique(truth), np.unique(prediction)
    counts = np.zeros((clusters.size, classes.size))
    for i, c in enumerate(clusters):
        for j, t in enumerate(classes):
            counts[i, j] = np.sum((prediction == c) & (truth == t))
    rows, columns = linear_sum_assignment(-counts)
    return counts[rows, columns].sum() / truth.size


def mlp(sizes):
    """Linear layers of the given sizes with ReLU between them, as a method's layer list."""
    layers = []
    for i, (a, b) in enumerate(zip(sizes, sizes[1:])):
        layers.append({"type": "Linear", "in_features": a, "out_features": b})
        if i < len(sizes) - 2:
            layers.append({"type": "ReLU"})
    return layers


def autoencoder_kmeans(encoder_layers, decoder_layers, *, iterations, num_clusters, batch_size=64, lr=1e-3):
    """A method dict: reconstruction pretraining, then k-means on the encoder's features."""
    return {
        "name": "autoencoder_kmeans",
        "mappings": [
            {"name": "encoder", "type": "feature_extractor", "layers": encoder_layers},
            {"name": "decoder", "type": "design_pattern_specific", "layers": decoder_layers},
        ],
        "phases": [{
            "name": "pretraining", "order": 1, "exit_criteria": {"iterations": iterations},
            "design_patterns": [{"pattern": "training_feature_extractor_through_reconstruction_of_samples",
                                 "encoder_name": "encoder", "decoder_name": "decoder"}],
            "optimizers": [{"type": "Adam", "lr": lr, "trained_mapping_names": ["encoder", "decoder"]}],
        }],
        "cluster_assignment_strategy": {"type": "classical_clustering_in_feature_space_after_phase",
                                        "classical_clustering_in_feature_space_after_phase": "pretraining",
                                        "classical_clustering_after_phase_num_restarts": 10},
        "datasets": [{"dataset": "Blobs", "batch_size": batch_size, "num_clusters": num_clusters, "shuffle": True}],
    }


@pytest.fixture(scope="session")
def blobs():
    """Three well-separated Gaussian blobs in 2-D, 600 samples, and 200 more from the same centres."""
    from sklearn.datasets import make_blobs

    X, y = make_blobs(n_samples=800, centers=3, cluster_std=0.6, center_box=(-10, 10), random_state=0)
    return X[:600], y[:600], X[600:], y[600:]


@pytest.fixture(scope="session")
def blobs_clusterer(blobs):
    """dec_gaussians (a 2-16-2 autoencoder with DEC) fitted on the blobs."""
    X, y, _, _ = blobs
    return recombine.Clusterer(CONFIGURATIONS / "dec_gaussians.json", random_state=1).fit(X, y)


@pytest.fixture(scope="session")
def dec_gaussians_run(tmp_path_factory):
    """dec_gaussians run through recombine.run with a seed, an override and a report."""
    output = tmp_path_factory.mktemp("runs") / "dec_gaussians"
    return recombine.run(CONFIGURATIONS / "dec_gaussians.json", seed=4, iterations_scale=0.5,
                         overrides={"/phases/1/performance_evaluation_interval": 10}, output=output)
