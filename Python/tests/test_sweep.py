"""sweep_leaderboard: one row per run folder, read from result.json."""

from __future__ import annotations

import pytest

import recombine
from conftest import CONFIGURATIONS


def test_leaderboard_has_a_row_per_run(tmp_path):
    sweep = tmp_path / "sweep"
    recombine.run(CONFIGURATIONS / "kmeans_gaussians.json", seed=1, output=sweep / "kmeans" / "seed-1", report=False)
    recombine.run(CONFIGURATIONS / "dec_gaussians.json", seed=2, iterations_scale=0.3, output=sweep / "dec" / "seed-2", report=False)
    (sweep / "notes").mkdir()
    frame = recombine.sweep_leaderboard(sweep)
    assert list(frame.columns) == ["run", "method", "seed", "status", "dataset", "acc", "nmi", "ari", "wall_seconds"]
    assert sorted(frame["run"]) == ["dec/seed-2", "kmeans/seed-1"]
    assert list(frame["acc"]) == sorted(frame["acc"], reverse=True)
    row = frame.set_index("run").loc["dec/seed-2"]
    result = recombine.Run.from_dir(sweep / "dec" / "seed-2").result
    assert (row["method"], row["seed"], row["status"]) == ("dec_gaussians", 2, "completed")
    assert row["acc"] == result["end_of_training"][-1]["acc"] and row["wall_seconds"] == result["wall_seconds"]
    rows = recombine.sweep_leaderboard(sweep, as_frame=False)
    assert [r["run"] for r in rows] == list(frame["run"])


def test_leaderboard_of_a_missing_folder_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        recombine.sweep_leaderboard(tmp_path / "none")


def test_sweep_runs_every_grid_point_and_seed_once_and_returns_the_leaderboard(tmp_path):
    output = tmp_path / "sweep"
    frame = recombine.sweep(CONFIGURATIONS / "dec_gaussians.json", output=output, runs=2, seed=3,
                            grid={"datasets__0__batch_size": [64, 128]}, iterations_scale=0.2)
    assert sorted(frame["run"]) == [
        "dec_gaussians/batch_size=128/seed-3", "dec_gaussians/batch_size=128/seed-4",
        "dec_gaussians/batch_size=64/seed-3", "dec_gaussians/batch_size=64/seed-4",
    ]
    assert set(frame["status"]) == {"completed"}
    logs = sorted(output.rglob("log.txt"))
    assert len(logs) == 4
    before = [log.read_text() for log in logs]
    again = recombine.sweep(CONFIGURATIONS / "dec_gaussians.json", output=output, runs=2, seed=3,
                            grid={"/datasets/0/batch_size": [64, 128]}, iterations_scale=0.2)
    assert [log.read_text() for log in logs] == before, "a finished job is skipped, not run again"
    assert list(again["run"]) == list(frame["run"])


def test_sweep_with_a_comma_in_a_grid_value_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="without commas"):
        recombine.sweep(CONFIGURATIONS / "dec_gaussians.json", output=tmp_path / "s", grid={"/x": [[1, 2]]})


def test_sweep_with_a_bad_shard_carries_recombines_message(tmp_path):
    with pytest.raises(recombine.RecombineError) as caught:
        recombine.sweep(CONFIGURATIONS / "dec_gaussians.json", output=tmp_path / "s", shard="3/2")
    assert caught.value.returncode == 2 and "shard" in caught.value.stderr
