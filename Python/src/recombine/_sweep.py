"""Sweeps through ``recombine run --grid/--runs/--shard``, and the leaderboard of a sweep folder."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence

from ._binary import run_binary
from ._method import override_pointer
from ._run import end_of_training_scores, run_option_arguments

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


def sweep(
    methods: str | os.PathLike | Sequence[str | os.PathLike],
    *,
    output: str | os.PathLike,
    grid: Optional[Mapping[str, Sequence[Any]]] = None,
    runs: Optional[int] = None,
    seed: Optional[int] = None,
    shard: Optional[str] = None,
    iterations_scale: Optional[float] = None,
    overrides: Optional[Mapping[str, Any]] = None,
    data_root: str | os.PathLike | None = None,
    threads: Optional[int] = None,
    report: bool = False,
    as_frame: bool = True,
):
    """Run a sweep with ``recombine run`` and return its leaderboard.

    The jobs are method files × grid points (every combination of the ``grid`` values) × seeds, each in
    its own folder ``output/<method>/<grid point>/seed-<S>``. A job whose folder holds a finished run is
    skipped and an interrupted one resumed, so calling this again (or from several processes with
    ``shard``) completes the sweep without running a job twice.

    Parameters
    ----------
    methods : path-like or sequence of path-like
        Method files (or folders of method files).
    output : path-like
        The sweep folder.
    grid : mapping, optional
        JSON pointer (``"/datasets/0/batch_size"`` or ``"datasets__0__batch_size"``) to the values it
        takes, e.g. ``{"/phases/0/optimizers/0/lr": [1e-3, 1e-2]}``.
    runs : int, optional
        Seeds per grid point: ``seed``, ``seed + 1``, ... (default: 1).
    seed : int, optional
        The first seed (default: each method's ``seed``, else 0).
    shard : str, optional
        ``"i/n"`` runs the jobs whose position is i modulo n; ``"auto"`` reads a Slurm job array or
        ``RECOMBINE_SHARD``.
    iterations_scale, overrides, data_root, threads, report
        As in :func:`run` (``report`` defaults to False here).
    as_frame : bool, default True
        Return the leaderboard as a pandas DataFrame; False returns a list of dicts.

    Returns
    -------
    pandas.DataFrame or list of dict
        :func:`sweep_leaderboard` of ``output``: one row per run folder.

    Raises
    ------
    RecombineError
        When recombine rejects an argument or a method, or a job fails; it carries recombine's standard
        error and exit status.
    """
    paths = [methods] if isinstance(methods, (str, os.PathLike)) else list(methods)
    arguments: List[str] = ["run", "--quiet", "--output", os.fspath(output)]
    for name, values in (grid or {}).items():
        texts = [json.dumps(v) for v in values]
        if not texts or any("," in t for t in texts):
            raise ValueError(f"grid {name!r}: give a non-empty list of values without commas (numbers, strings, booleans); got {values!r}")
        arguments.append(f"--grid={override_pointer(name)}={','.join(texts)}")
    if runs is not None:
        arguments.append(f"--runs={int(runs)}")
    if shard is not None:
        arguments.append(f"--shard={shard}")
    arguments += run_option_arguments(seed=seed, iterations_scale=iterations_scale, data_root=data_root,
                                      threads=threads, report=report, overrides=overrides)
    run_binary(arguments + ["--"] + [os.fspath(p) for p in paths])
    return sweep_leaderboard(output, as_frame=as_frame)
