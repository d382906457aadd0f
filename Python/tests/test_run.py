"""recombine.run and Run: training through the binary and reading the run directory back."""

from __future__ import annotations

import json

import numpy as np
import pytest

import recombine
from conftest import CONFIGURATIONS, clustering_accuracy


def test_run_records_seed_scale_and_overrides(dec_gaussians_run):
    result = dec_gaussians_run.result
    assert result["status"] == "completed"
    assert result["seed"] == 4
    assert result["provenance"]["iterations_scale"] == 0.5
    assert result["provenance"]["overrides"] == ["/phases/1/performance_evaluation_interval=10"]
    assert dec_gaussians_run.method["phases"][1]["performance_evaluation_interval"] == 10
    assert dec_gaussians_run.info["iterations_scale"] == 0.5


def test_predictions_are_the_scored_clusters_in_sample_order(dec_gaussians_run):
    predictions, labels = dec_gaussians_run.predictions, dec_gaussians_run.labels
    assert predictions.dtype == np.int64 and predictions.shape == labels.shape == (4500,)
    assert set(np.unique(predictions)) <= {0, 1, 2}
    # The three-Gaussian set is ordered by class (2000, 1500, 1000 samples).
    assert np.array_equal(labels, np.repeat([0, 1, 2], [2000, 1500, 1000]))
    assert clustering_accuracy(labels, predictions) == pytest.approx(dec_gaussians_run.scores["acc"], abs=1e-12)
    assert dec_gaussians_run.scores["acc"] > 0.95


def test_metrics_frame_holds_losses_and_evaluations(dec_gaussians_run):
    frame = dec_gaussians_run.metrics
    records = dec_gaussians_run.metrics_records
    assert len(frame) == len(records) > 0
    assert {"loss", "evaluation"} <= set(frame["kind"])
    evaluations = frame[frame["kind"] == "evaluation"]
    # Clustering runs 20 iterations at scale 0.5; evaluated every 10.
    assert list(evaluations["iteration"]) == [10, 20]
    assert evaluations["acc"].iloc[-1] == dec_gaussians_run.result["final"]["acc"]


def test_metrics_without_pandas_names_the_alternative(dec_gaussians_run, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_pandas(name, *args, **kwargs):
        if name == "pandas":
            raise ImportError("No module named 'pandas'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    with pytest.raises(ImportError, match="metrics_records"):
        dec_gaussians_run.metrics


def test_report_path_is_the_runs_report(dec_gaussians_run):
    assert dec_gaussians_run.report_path == dec_gaussians_run.path / "report.html"
    assert dec_gaussians_run.report_path.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")


def test_from_dir_round_trip(dec_gaussians_run):
    reopened = recombine.Run.from_dir(str(dec_gaussians_run.path))
    assert reopened == dec_gaussians_run
    assert reopened.result == json.loads((dec_gaussians_run.path / "result.json").read_text())
    assert np.array_equal(reopened.predictions, dec_gaussians_run.predictions)
    assert reopened.metrics_records == dec_gaussians_run.metrics_records
    assert sorted(reopened.weights()) == sorted(dec_gaussians_run.weights())


def test_from_dir_refuses_a_folder_that_is_not_a_run(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a recombine run directory"):
        recombine.Run.from_dir(tmp_path)
    with pytest.raises(FileNotFoundError, match="is not a directory"):
        recombine.Run.from_dir(tmp_path / "missing")


def test_dict_method_resolves_data_paths_against_the_working_directory(tmp_path, monkeypatch):
    """A dict is written to a temporary file, but its relative CSV path is the caller's."""
    rng = np.random.default_rng(0)
    points = np.concatenate([rng.normal(0, 0.3, (30, 2)), rng.normal(8, 0.3, (30, 2))])
    labels = np.repeat([0, 1], 30)
    (tmp_path / "data").mkdir()
    with open(tmp_path / "data" / "points.csv", "w") as handle:
        handle.write("x,y,label\n" + "".join(f"{x},{y},{l}\n" for (x, y), l in zip(points, labels)))
    method = {
        "name": "kmeans_points",
        "mappings": [{"name": "identity", "type": "feature_extractor", "layers": [{"type": "Identity"}]}],
        "phases": [{"name": "kmeans", "order": 1, "exit_criteria": {"iterations": 1}, "design_patterns": [], "optimizers": []}],
        "cluster_assignment_strategy": {"type": "classical_clustering_in_feature_space_after_phase",
                                        "classical_clustering_in_feature_space_after_phase": "kmeans"},
        "datasets": [{"dataset": "CSV", "path": "data/points.csv", "label_column": "label", "batch_size": 60, "num_clusters": 2}],
    }
    monkeypatch.chdir(tmp_path)
    run = recombine.run(method, report=False)  # default output: runs/<timestamp>_kmeans_points under the cwd
    assert run.path.resolve().parent == (tmp_path / "runs").resolve()
    assert run.path.name.endswith("_kmeans_points")
    assert run.scores["acc"] == 1.0
    # The same dict from elsewhere, with the base stated.
    monkeypatch.chdir(tmp_path / "data")
    again = recombine.run(method, output=tmp_path / "again", base_directory=tmp_path, report=False)
    assert np.array_equal(again.predictions, run.predictions)
    assert again.report_path is None
