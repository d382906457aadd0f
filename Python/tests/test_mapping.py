"""Run.load_mapping: PyTorch modules that compute what recombine computes."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

import recombine
from conftest import REPOSITORY, autoencoder_kmeans

import torch


def test_supported_layers_are_the_schemas():
    from recombine._mapping import SUPPORTED_LAYERS

    schema = json.loads((REPOSITORY / "Schema" / "layer.json").read_text())
    assert sorted(SUPPORTED_LAYERS) == sorted(ref["$ref"].split("/")[-1] for ref in schema["oneOf"])


def test_encoder_equals_the_features_in_final_safetensors(blobs, blobs_clusterer):
    X = blobs[0]
    weights = blobs_clusterer.run_.weights()
    indices = weights["analysis/sample_indices"].astype(int)
    encoder = blobs_clusterer.run_.load_mapping("encoder")
    assert not encoder.training
    with torch.no_grad():
        features = encoder(torch.from_numpy(X[indices].astype(np.float32))).numpy()
    np.testing.assert_allclose(features, weights["analysis/features"], atol=1e-5, rtol=0)
    assert encoder.net.state_dict().keys() == {"0.weight", "0.bias", "2.weight", "2.bias"}


# Every layer type of the schema, through image, sequence and vector shapes, with pre- and post-processing.
ZOO = [
    {"type": "Unflatten", "dim": 1, "unflattened_size": [1, 8, 8]},
    {"type": "Conv2d", "in_channels": 1, "out_channels": 4, "kernel_size": 3, "padding": 1},
    {"type": "BatchNorm2d", "num_features": 4},
    {"type": "LeakyReLU", "negative_slope": 0.1},
    {"type": "MaxPool2d", "kernel_size": 2},
    {"type": "Upsample", "scale_factor": 2, "mode": "bilinear"},
    {"type": "ConvTranspose2d", "in_channels": 4, "out_channels": 4, "kernel_size": 3, "stride": 2, "padding": 1},
    {"type": "AvgPool2d", "kernel_size": 2, "stride": 1},
    {"type": "AdaptiveAvgPool2d", "output_size": [3, 3]},
    {"type": "Flatten"},
    {"type": "Unflatten", "dim": 1, "unflattened_size": [4, 9]},
    {"type": "Conv1d", "in_channels": 4, "out_channels": 4, "kernel_size": 3, "padding": 1},
    {"type": "ELU"},
    {"type": "MaxPool1d", "kernel_size": 2},
    {"type": "AvgPool1d", "kernel_size": 2},
    {"type": "Flatten"},
    {"type": "LayerNorm", "normalized_shape": [8]},
    {"type": "Linear", "in_features": 8, "out_features": 16},
    {"type": "BatchNorm1d", "num_features": 16},
    {"type": "ReLU"}, {"type": "SELU"}, {"type": "CELU", "alpha": 0.5}, {"type": "GELU"},
    {"type": "Softplus", "beta": 2}, {"type": "Hardtanh", "min_val": -0.5, "max_val": 0.8},
    {"type": "Dropout", "p": 0.2}, {"type": "Identity"}, {"type": "Tanh"}, {"type": "Sigmoid"},
    {"type": "Linear", "in_features": 16, "out_features": 10},
    {"type": "LogSoftmax", "dim": 1},
    {"name": "probabilities", "type": "Softmax", "dim": 1},
]


@pytest.fixture(scope="module")
def zoo_run(tmp_path_factory):
    from sklearn.datasets import load_digits

    X = load_digits().data[:400] / 16.0
    method = autoencoder_kmeans(ZOO, [{"type": "Linear", "in_features": 10, "out_features": 64}],
                                iterations=20, num_clusters=10, lr=1e-2)
    encoder = method["mappings"][0]
    encoder["pre_processing_functions"] = [{"function_name": "relu", "input_argument_name": "input"}]
    encoder["post_processing_functions"] = [{"function_name": "normalize", "input_argument_name": "input", "dim": 1}]
    encoder["softmax_layer_name"] = "probabilities"
    model = recombine.Clusterer(method, random_state=0, output=tmp_path_factory.mktemp("zoo") / "run").fit(X)
    return model, X


def test_every_layer_type_equals_recombine(zoo_run):
    from recombine._mapping import SUPPORTED_LAYERS

    model, X = zoo_run
    assert {layer["type"] for layer in ZOO} == set(SUPPORTED_LAYERS)
    encoder = model.run_.load_mapping("encoder")
    # BatchNorm's running statistics moved in training, so evaluation mode is what is compared.
    assert not np.allclose(encoder.net[2].running_var.numpy(), 1.0)
    with torch.no_grad():
        ours = encoder(torch.from_numpy(X.astype(np.float32))).numpy()
    np.testing.assert_allclose(ours, model.transform(X), atol=1e-5, rtol=0)
    weights = model.run_.weights()
    indices = weights["analysis/sample_indices"].astype(int)
    np.testing.assert_allclose(ours[indices], weights["analysis/features"], atol=1e-5, rtol=0)
    with torch.no_grad():
        logits = encoder.logits(torch.from_numpy(X[:5].astype(np.float32)))
    assert not torch.allclose(logits, torch.from_numpy(ours[:5]))


def test_unknown_layer_type_is_named(dec_gaussians_run, tmp_path):
    copy = tmp_path / "run"
    shutil.copytree(dec_gaussians_run.path, copy)
    method = json.loads((copy / "method.json").read_text())
    method["mappings"][0]["layers"][1] = {"type": "PReLU"}
    (copy / "method.json").write_text(json.dumps(method))
    with pytest.raises(NotImplementedError, match="/mappings/0/layers/1: layer type 'PReLU' is not supported"):
        recombine.Run.from_dir(copy).load_mapping("encoder")
    with pytest.raises(KeyError, match="no mapping named 'head'"):
        recombine.Run.from_dir(copy).load_mapping("head")


def test_weights_that_do_not_fit_the_layers_are_refused(dec_gaussians_run, tmp_path):
    copy = tmp_path / "run"
    shutil.copytree(dec_gaussians_run.path, copy)
    method = json.loads((copy / "method.json").read_text())
    method["mappings"][0]["layers"].insert(0, {"type": "Identity"})
    (copy / "method.json").write_text(json.dumps(method))
    with pytest.raises(KeyError, match="does not match the run's weights"):
        recombine.Run.from_dir(copy).load_mapping("encoder")
