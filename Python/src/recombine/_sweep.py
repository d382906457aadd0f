"""A leaderboard of the runs in a sweep folder."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Dict, List

from ._run import end_of_training_scores

COLUMNS = ("run", "method", "seed", "status", "dataset", "acc", "nmi", "ari", "wall_seconds")


def _row(folder: Path, root: Path, result: Dict[str, Any]) -> Dict[str, Any]:
    score = end_of_training_scores(result)
    seed = result.get("seed")
    return {
        "run": folder.relative_to(root).as_posix() or ".",
        "method": result.get("method"),
        "seed": int(seed) if isinstance(seed, (int, str)) and str(seed).isdigit() else seed,
        "status": result.get("status"),
        "dataset": result.get("predictions_dataset"),
        "acc": score.get("acc"),
        "nmi": score.get("nmi"),
        "ari": score.get("ari"),
        "wall_seconds": result.get("wall_seconds"),
    }


def sweep_leaderboard(directory: str | os.PathLike, *, as_frame: bool = True):
    """One row per run folder under ``directory`` (at any depth), best ACC first.

    Every ``result.json`` found is read: the run's folder (relative to ``directory``), method name,
    seed, status, scored dataset, ACC, NMI and ARI at the end of training, and wall-clock seconds.
    Runs without scores (unlabelled data, failed or unfinished runs) come last.

    Parameters
    ----------
    directory : path-like
        A sweep's output folder (or any folder of run folders).
    as_frame : bool, default True
        Return a pandas DataFrame; False returns a list of dicts (no pandas needed).

    Returns
    -------
    pandas.DataFrame or list of dict
        Columns ``run, method, seed, status, dataset, acc, nmi, ari, wall_seconds``.

    Raises
    ------
    FileNotFoundError
        When ``directory`` is not a directory.
    ValueError
        When a ``result.json`` is not JSON (the file is named).
    ImportError
        When ``as_frame`` is true and pandas is not installed.
    """
    root = Path(directory)
    if not root.is_dir():
        raise FileNotFoundError(f"{root} is not a directory")
    rows: List[Dict[str, Any]] = []
    for path in sorted(root.rglob("result.json")):
        try:
            result = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise ValueError(f"{path}:{error.lineno}:{error.colno}: not JSON ({error.msg})") from None
        if isinstance(result, dict):
            rows.append(_row(path.parent, root, result))
    rows.sort(key=lambda r: (r["acc"] is None, -(r["acc"] or 0.0), r["run"]))
    if not as_frame:
        return rows
    try:
        import pandas as pd
    except ImportError:
        raise ImportError("sweep_leaderboard needs pandas for a DataFrame (pip install pandas), or pass as_frame=False") from None
    return pd.DataFrame(rows, columns=list(COLUMNS))
