"""Running methods and reading run directories."""

from __future__ import annotations

import csv
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

import numpy as np

from ._binary import run_binary
from ._method import MethodLike, is_method_dict, override_arguments, write_method
from ._safetensors import read_safetensors

_CLOSING_LINE = re.compile(r" — (.+)/result\.json$")


def end_of_training_scores(result: Mapping[str, Any]) -> Dict[str, float]:
    """ACC, NMI and ARI of ``result.json``'s ``end_of_training`` entry for its ``predictions_dataset``
    (the last entry when none names it; empty when the run has no scores)."""
    dataset = result.get("predictions_dataset")
    entries = [e for e in result.get("end_of_training", []) if e.get("dataset") == dataset] or result.get("end_of_training", [])
    if not entries:
        return {}
    return {key: float(entries[-1][key]) for key in ("acc", "nmi", "ari") if key in entries[-1]}


class Run:
    """A run directory written by ``recombine run``.

    Everything is read from the directory's files when asked for, so a ``Run`` of a run still in
    progress shows what has been written so far.

    Parameters
    ----------
    path : path-like
        The run directory (it holds ``run.json``, and ``result.json`` once the run ended).

    Attributes
    ----------
    path : pathlib.Path
        The run directory (absolute).

    Raises
    ------
    FileNotFoundError
        When ``path`` is not a directory or holds neither ``run.json`` nor ``result.json``.

    Examples
    --------
    >>> run = Run.from_dir("runs/20261203-101500_dec_gaussians")  # doctest: +SKIP
    >>> run.result["final"]["acc"]  # doctest: +SKIP
    1.0
    """

    def __init__(self, path: str | os.PathLike):
        # Absolute, so the Run stays valid when the working directory changes.
        self.path = Path(path).absolute()
        if not self.path.is_dir():
            raise FileNotFoundError(f"{self.path} is not a directory")
        if not (self.path / "run.json").is_file() and not (self.path / "result.json").is_file():
            raise FileNotFoundError(f"{self.path} holds neither run.json nor result.json: not a recombine run directory")

    @classmethod
    def from_dir(cls, path: str | os.PathLike) -> "Run":
        """Open the run directory ``path`` (the same as ``Run(path)``)."""
        return cls(path)

    def __repr__(self) -> str:
        return f"Run({str(self.path)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Run) and self.path.resolve() == other.path.resolve()

    def __hash__(self) -> int:
        return hash(self.path.resolve())

    def _json(self, name: str) -> Any:
        path = self.path / name
        try:
            with open(path, encoding="utf-8") as handle:
                return json.load(handle)
        except FileNotFoundError:
            raise FileNotFoundError(f"{path} not found: the run has not written it (yet)") from None
        except json.JSONDecodeError as error:
            raise ValueError(f"{path}:{error.lineno}:{error.colno}: not JSON ({error.msg})") from None

    @property
    def result(self) -> Dict[str, Any]:
        """``result.json``: status, ``final`` and ``end_of_training`` scores, evaluations, clusters, provenance."""
        return self._json("result.json")

    @property
    def info(self) -> Dict[str, Any]:
        """``run.json``: how the run was started (method file, base directory, seed, iterations scale, threads)."""
        return self._json("run.json")

    @property
    def method(self) -> Dict[str, Any]:
        """``method.json``: the method as run, with defaults and overrides applied."""
        return self._json("method.json")

    @property
    def scores(self) -> Dict[str, float]:
        """ACC, NMI and ARI of the scored dataset at the end of training (``result.json``'s
        ``end_of_training`` entry of ``predictions_dataset``; empty for unlabelled data)."""
        return end_of_training_scores(self.result)

    @property
    def metrics_records(self) -> List[Dict[str, Any]]:
        """The lines of ``metrics.jsonl`` (losses, evaluations, k-means inertia, ...) as dicts."""
        path = self.path / "metrics.jsonl"
        if not path.is_file():
            raise FileNotFoundError(f"{path} not found: the run has not written it (yet)")
        records = []
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError as error:
                    # A run killed mid-write leaves at most a partial last line.
                    raise ValueError(f"{path}:{number}:{error.colno}: not JSON ({error.msg})") from None
        return records

    @property
    def metrics(self):
        """``metrics.jsonl`` as a pandas DataFrame, one row per line (columns: ``kind``, ``phase``,
        ``iteration``, ``loss``, ``acc``, ...; missing values are NaN).

        Raises
        ------
        ImportError
            When pandas is not installed; ``metrics_records`` gives the same rows as dicts.
        """
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("Run.metrics needs pandas (pip install pandas); Run.metrics_records gives the rows as a list of dicts") from None
        return pd.DataFrame.from_records(self.metrics_records)

    def _predictions_table(self) -> Dict[str, np.ndarray]:
        path = self.path / "predictions.csv"
        if not path.is_file():
            raise FileNotFoundError(f"{path} not found: the run has not finished a dataset with predictions")
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        header, body = rows[0], rows[1:]
        if header[:2] != ["index", "cluster"]:
            raise ValueError(f"{path}: expected the header index,cluster[,label], found {','.join(header)}")
        table = np.asarray(body, dtype=np.int64).reshape(len(body), len(header))
        order = np.argsort(table[:, 0], kind="stable")
        return {name: table[order, column] for column, name in enumerate(header)}

    @property
    def predictions(self) -> np.ndarray:
        """The cluster of every sample of the scored dataset (``predictions.csv``), in sample order, as int64."""
        return self._predictions_table()["cluster"]

    @property
    def labels(self) -> Optional[np.ndarray]:
        """The true labels of the scored dataset (``predictions.csv``'s label column), or None for unlabelled data."""
        return self._predictions_table().get("label")

    @property
    def report_path(self) -> Optional[Path]:
        """``report.html``, or None when the run has no report (``--no-report``, or not finished)."""
        path = self.path / "report.html"
        return path if path.is_file() else None

    def weights(self) -> Dict[str, np.ndarray]:
        """Every tensor of ``final.safetensors`` (``mapping/<name>/<parameter>``, ``strategy/centroids``,
        ``analysis/features``, ...) as NumPy arrays."""
        return read_safetensors(self.path / "final.safetensors")[0]

    def load_mapping(self, name: str):
        """A ``torch.nn.Module`` of the mapping ``name`` with the run's final weights, in evaluation mode.

        It is built from ``method.json``'s layer list (with the mapping's prior mapping and pre- and
        post-processing functions) and computes what recombine computes for that mapping.

        Parameters
        ----------
        name : str
            The mapping's name in the method file.

        Returns
        -------
        torch.nn.Module
            Its ``net`` is an ``nn.Sequential`` whose state-dict keys are recombine's
            (``net.0.weight``, ...); ``logits(x)`` skips the ``softmax_layer_name`` layer.

        Raises
        ------
        ImportError
            When PyTorch is not installed.
        KeyError
            When the method has no mapping ``name``.
        NotImplementedError
            For a layer type or function this package cannot build (named in the message).
        """
        from ._mapping import build_mapping

        return build_mapping(self.method, name, self.weights())


def run_option_arguments(*, seed, iterations_scale, data_root, threads, report, overrides) -> List[str]:
    """The ``recombine run`` options that :func:`run` and :func:`sweep` share."""
    arguments: List[str] = []
    if seed is not None:
        arguments.append(f"--seed={int(seed)}")
    if iterations_scale is not None:
        arguments.append(f"--iterations-scale={float(iterations_scale)!r}")
    if data_root is not None:
        arguments += ["--data-root", os.fspath(data_root)]
    if threads is not None:
        arguments.append(f"--threads={int(threads)}")
    if not report:
        arguments.append("--no-report")
    return arguments + override_arguments(overrides)


def run(
    method: MethodLike,
    *,
    seed: Optional[int] = None,
    iterations_scale: Optional[float] = None,
    overrides: Optional[Mapping[str, Any]] = None,
    output: str | os.PathLike | None = None,
    data_root: str | os.PathLike | None = None,
    base_directory: str | os.PathLike | None = None,
    report: bool = True,
    threads: Optional[int] = None,
) -> Run:
    """Train a method with ``recombine run`` and return its run directory.

    Parameters
    ----------
    method : path-like or dict
        A method file, or a method as a dict (written to a temporary file for the run).
    seed : int, optional
        Seed of every random stream (default: the method's ``seed``, else 0).
    iterations_scale : float, optional
        Scales every iteration and epoch budget (never below 1) for quick runs.
    overrides : mapping, optional
        Values set in the method before it is checked: JSON pointer (``"/datasets/0/batch_size"``,
        or ``"datasets__0__batch_size"``) to a JSON-serialisable value.
    output : path-like, optional
        The run directory; it must be new, empty, or hold the same run. Default:
        ``runs/<timestamp>_<method>/`` under the current directory.
    data_root : path-like, optional
        Directory searched first for built-in datasets (MNIST, ...).
    base_directory : path-like, optional
        Directory the method's relative paths (data files, ...) resolve against. Default: the
        method file's directory, or the current directory for a dict.
    report : bool, default True
        Build ``report.html`` and its plots (takes seconds: a t-SNE of 1 000 points).
    threads : int, optional
        Threads for BLAS and recombine's loops (default: ``OPENBLAS_NUM_THREADS`` or all cores).

    Returns
    -------
    Run
        The finished run.

    Raises
    ------
    RecombineError
        When recombine rejects the method or the run fails; it carries recombine's standard error
        and exit status.
    BinaryNotFoundError
        When the binary is not found (``RECOMBINE_BIN``, ``PATH``).

    Examples
    --------
    >>> import recombine
    >>> r = recombine.run("Configurations/dec_gaussians.json", iterations_scale=0.5)  # doctest: +SKIP
    >>> r.scores  # doctest: +SKIP
    {'acc': 1.0, 'nmi': 1.0, 'ari': 1.0}
    """
    arguments: List[str] = ["run", "--quiet"]
    if output is not None:
        arguments += ["--output", os.fspath(output)]
    arguments += run_option_arguments(seed=seed, iterations_scale=iterations_scale, data_root=data_root,
                                      threads=threads, report=report, overrides=overrides)
    with tempfile.TemporaryDirectory(prefix="recombine-method-") as folder:
        if is_method_dict(method):
            path = write_method(method, folder)
            base_directory = Path.cwd() if base_directory is None else base_directory
        else:
            path = Path(method)
        if base_directory is not None:
            arguments += ["--base-directory", os.fspath(Path(base_directory).resolve())]
        completed = run_binary(arguments + ["--", os.fspath(path)])
    if output is not None:
        return Run(output)
    for line in reversed(completed.stdout.splitlines()):
        match = _CLOSING_LINE.search(line.strip())
        if match:
            return Run(match.group(1))
    raise RuntimeError(f"recombine run finished but did not name its run directory; its output was:\n{completed.stdout}")
