"""Clusterer: scikit-learn's conventions over recombine runs on arrays."""

from __future__ import annotations

import json

import numpy as np
import pytest

import recombine
from conftest import CONFIGURATIONS, autoencoder_kmeans, clustering_accuracy, mlp


def test_blobs_are_found(blobs, blobs_clusterer):
    X, y, _, _ = blobs
    labels = blobs_clusterer.labels_
    assert labels.shape == (600,) and labels.dtype == np.int64
    accuracy = clustering_accuracy(y, labels)
    assert accuracy > 0.95
    # recombine scored the same labels against y (given to fit for that only).
    assert blobs_clusterer.run_.scores["acc"] == pytest.approx(accuracy, abs=1e-12)
    assert blobs_clusterer.n_clusters_ == 3 and blobs_clusterer.n_features_in_ == 2


def test_predict_assigns_training_and_new_samples(blobs, blobs_clusterer):
    X, y, X_new, y_new = blobs
    assert np.array_equal(blobs_clusterer.predict(X), blobs_clusterer.labels_)
    assert clustering_accuracy(y_new, blobs_clusterer.predict(X_new)) > 0.95


def test_transform_is_the_encoder_output(blobs, blobs_clusterer):
    X, _, X_new, _ = blobs
    features = blobs_clusterer.transform(X_new)
    assert features.shape == (200, 2) and features.dtype == np.float32
    weights = blobs_clusterer.run_.weights()
    # The features recombine stored for a sample of the training set are what transform gives.
    indices = weights["analysis/sample_indices"].astype(int)
    np.testing.assert_allclose(blobs_clusterer.transform(X[indices]), weights["analysis/features"], atol=1e-5, rtol=0)


def test_standardize_carries_over_to_fit_predict_and_transform(blobs):
    """A method whose dataset standardizes its columns keeps doing so on X, and new data is scaled with the
    training statistics (predict used to feed it unscaled)."""
    X, y, X_new, y_new = blobs
    scale = np.array([1000.0, 0.001])
    method = json.loads((CONFIGURATIONS / "dec_gaussians.json").read_text())
    method["datasets"][0] = {"dataset": "NPY", "path": "replaced.npy", "standardize": True, "batch_size": 100,
                             "num_clusters": 3}
    model = recombine.Clusterer(method, random_state=1).fit(X * scale, y)
    assert model.run_.method["datasets"][0]["standardize"] is True
    assert clustering_accuracy(y, model.labels_) > 0.9
    assert np.array_equal(model.predict(X * scale), model.labels_)
    assert clustering_accuracy(y_new, model.predict(X_new * scale)) > 0.9
    weights = model.run_.weights()
    indices = weights["analysis/sample_indices"].astype(int)
    np.testing.assert_allclose(model.transform((X * scale)[indices]), weights["analysis/features"], atol=1e-5, rtol=0)


def test_digits_are_clustered_sensibly():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    method = autoencoder_kmeans(mlp([64, 128, 10]), mlp([10, 128, 64]), iterations=280, num_clusters=10)
    model = recombine.Clusterer(method, random_state=0)
    labels = model.fit_predict(X / 16.0, y)
    accuracy = clustering_accuracy(y, labels)
    # k-means on the raw pixels reaches about 0.79; a short autoencoder pretraining about 0.75.
    assert accuracy > 0.6
    assert model.run_.scores["acc"] == pytest.approx(accuracy, abs=1e-12)
    assert len(np.unique(labels)) == 10


def test_n_clusters_and_overrides_reach_the_method(blobs):
    X, _, _, _ = blobs
    model = recombine.Clusterer(CONFIGURATIONS / "dec_gaussians.json", n_clusters=4, seed=2,
                                phases__1__exit_criteria__iterations=10, **{"/datasets/0/batch_size": 50})
    model.fit(X)
    method = model.run_.method
    assert method["datasets"][0]["num_clusters"] == 4 and method["datasets"][0]["batch_size"] == 50
    assert method["phases"][1]["exit_criteria"]["iterations"] == 10
    assert model.n_clusters_ == 4 and len(np.unique(model.labels_)) == 4
    assert model.run_.result["seed"] == 2
    assert model.run_.labels is None  # no y given: unlabelled data, no scores
    assert model.run_.scores == {}


def test_n_clusters_resizes_classifier_heads():
    ddc = json.loads((CONFIGURATIONS / "ddc.json").read_text())
    overrides = recombine.Clusterer(ddc, n_clusters=7)._n_clusters_overrides(ddc)
    assert overrides == {"/datasets/0/num_clusters": 7, "/mappings/1/layers/3/out_features": 7}
    ddc["mappings"][1]["layers"] = [{"type": "Softmax", "dim": 1}]
    with pytest.raises(ValueError, match="no Linear layer"):
        recombine.Clusterer(ddc, n_clusters=7)._n_clusters_overrides(ddc)


def test_parameters_follow_scikit_learn():
    from sklearn.base import clone

    model = recombine.Clusterer("m.json", n_clusters=3, random_state=5, datasets__0__batch_size=32)
    params = model.get_params()
    assert params == {"method": "m.json", "n_clusters": 3, "seed": None, "random_state": 5, "iterations_scale": None,
                      "output": None, "datasets__0__batch_size": 32}
    copy = clone(model)
    assert copy is not model and copy.get_params() == params
    assert model.set_params(n_clusters=4, phases__0__exit_criteria__epochs=1) is model
    assert model.get_params()["n_clusters"] == 4 and model.get_params()["phases__0__exit_criteria__epochs"] == 1
    assert "random_state=5" in repr(model)


def test_random_state_is_seed(blobs):
    X = blobs[0][:100]
    with pytest.raises(ValueError, match="random_state is another name for seed"):
        recombine.Clusterer(CONFIGURATIONS / "dec_gaussians.json", seed=1, random_state=2).fit(X)
    with pytest.raises(ValueError, match="non-negative int"):
        recombine.Clusterer(CONFIGURATIONS / "dec_gaussians.json", random_state=np.random.RandomState(0)).fit(X)
    assert recombine.Clusterer(CONFIGURATIONS / "dec_gaussians.json", seed=3, random_state=3)._resolved_seed() == 3


def test_inputs_are_checked(blobs, blobs_clusterer):
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        recombine.Clusterer(CONFIGURATIONS / "dec_gaussians.json").predict(blobs[0])
    with pytest.raises(ValueError, match="fitted on 2"):
        blobs_clusterer.predict(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="NaN"):
        blobs_clusterer.predict(np.array([[0.0, np.nan]]))
    with pytest.raises(ValueError, match="reshape"):
        blobs_clusterer.predict(np.zeros(4))
