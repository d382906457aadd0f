"""Failures surface as Python exceptions carrying recombine's message and exit status."""

from __future__ import annotations

import json

import pytest

import recombine
from conftest import CONFIGURATIONS


def dec_gaussians():
    return json.loads((CONFIGURATIONS / "dec_gaussians.json").read_text())


def test_bad_method_raises_with_message_and_status(tmp_path):
    method = dec_gaussians()
    method["mappings"][0]["layers"][0]["type"] = "Linearr"
    with pytest.raises(recombine.RecombineError) as caught:
        recombine.run(method, output=tmp_path / "run", report=False)
    error = caught.value
    assert error.returncode == 1
    assert "/mappings/0/layers/0" in error.stderr and "Linearr" in error.stderr
    assert "nothing was trained" in error.stderr
    assert "exited with status 1" in str(error) and "Linearr" in str(error)
    assert not (tmp_path / "run" / "result.json").exists()


def test_bad_method_file_names_the_file(tmp_path):
    path = tmp_path / "broken.json"
    method = dec_gaussians()
    method["datasets"][0]["batch_size"] = "many"
    path.write_text(json.dumps(method))
    with pytest.raises(recombine.RecombineError) as caught:
        recombine.run(path, output=tmp_path / "run", report=False)
    assert caught.value.returncode == 1
    assert "broken.json" in caught.value.stderr and "/datasets/0/batch_size" in caught.value.stderr


def test_usage_error_has_status_two(tmp_path):
    with pytest.raises(recombine.RecombineError) as caught:
        recombine.run(CONFIGURATIONS / "dec_gaussians.json", iterations_scale=-1, output=tmp_path / "run")
    assert caught.value.returncode == 2
    assert "--iterations-scale must be positive" in caught.value.stderr


def test_failing_clusterer_reports_the_shape_mismatch():
    import numpy as np

    model = recombine.Clusterer(CONFIGURATIONS / "dec_gaussians.json")
    with pytest.raises(recombine.RecombineError) as caught:
        model.fit(np.zeros((50, 3)))
    assert caught.value.returncode == 1
    assert "expects 2 input features, got 3" in caught.value.stderr


def test_missing_binary_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("RECOMBINE_BIN", str(tmp_path / "no-recombine"))
    with pytest.raises(recombine.BinaryNotFoundError, match="RECOMBINE_BIN=.*no-recombine is not an executable file"):
        recombine.run(CONFIGURATIONS / "dec_gaussians.json")
    monkeypatch.delenv("RECOMBINE_BIN")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(recombine.BinaryNotFoundError, match="set RECOMBINE_BIN"):
        recombine.find_binary()
