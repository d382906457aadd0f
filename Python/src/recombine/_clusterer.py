"""A scikit-learn style estimator that trains a recombine method on an array."""

from __future__ import annotations

import csv
import numbers
import os
import shutil
import tempfile
import weakref
from pathlib import Path
from typing import Any, Dict, Optional

import numpy as np

from ._binary import run_binary
from ._method import MethodLike, override_pointer, read_method
from ._run import Run, run

try:  # scikit-learn is optional: with it, Clusterer is a BaseEstimator (clone, repr, pipelines).
    from sklearn.base import BaseEstimator as _BaseEstimator
    from sklearn.base import ClusterMixin as _ClusterMixin

    _BASES: tuple = (_ClusterMixin, _BaseEstimator)
except ImportError:  # pragma: no cover - exercised only without scikit-learn
    _BASES = (object,)

# The keys of a dataset entry that do not depend on where its data comes from (DatasetSpec.commonKeys,
# without the sample range, which would cut X).
_COMMON_DATASET_KEYS = ("name", "order", "enabled", "phases", "batch_size", "num_clusters", "transforms",
                        "batch_augmentations", "reinitialize_mappings", "shuffle", "pin_memory", "num_workers",
                        "standardize")
_CLASSIFIERS = ("feature_space_classifier", "sample_space_classifier")


class Clusterer(*_BASES):
    """Cluster an array with a recombine method, in scikit-learn's fit/predict style.

    ``fit`` replaces every dataset of the method by ``X`` (an NPY file in a temporary folder, with
    the dataset's batch size, clusters, phases and transforms kept), trains it with ``recombine
    run`` and reads the clusters of every sample; ``predict`` and ``transform`` run ``recombine
    predict`` on new data with the trained mappings. Nothing is computed in Python.

    Parameters
    ----------
    method : path-like or dict
        The method file (or a method as a dict; its relative paths resolve against the current
        directory). Its mappings must accept ``X``'s features.
    n_clusters : int, optional
        The number of clusters: sets every dataset's ``num_clusters`` and the output size of each
        classifier mapping's last ``Linear`` layer (and a ``BatchNorm1d`` after it). Default: the
        method's.
    seed : int, optional
        Seed of every random stream (default: the method's ``seed``, else 0).
    random_state : int, optional
        scikit-learn's name for ``seed``; give one or the other (or both equal).
    iterations_scale : float, optional
        Scales every iteration and epoch budget of the method, for quick runs.
    output : path-like, optional
        A run directory to keep (it must be new or empty). Default: a temporary folder, removed
        when the estimator is garbage-collected.
    **overrides
        Values set in the method before it runs, by JSON pointer: ``**{"/phases/0/exit_criteria/epochs": 3}``,
        or with ``__`` between the pointer's tokens: ``phases__0__exit_criteria__epochs=3``. They are
        applied after ``X`` and ``n_clusters``, so ``datasets__0__batch_size=64`` works.

    Attributes
    ----------
    labels_ : numpy.ndarray of shape (n_samples,)
        The cluster of every sample of the ``X`` given to ``fit``.
    run_ : Run
        The run directory of the fit (``run_.result``, ``run_.metrics``, ``run_.load_mapping``).
    n_clusters_ : int
        The number of clusters the method was trained with.
    n_features_in_ : int
        Features of ``X`` (its size after the first axis, flattened).

    Examples
    --------
    >>> from sklearn.datasets import make_blobs
    >>> X, y = make_blobs(n_samples=300, centers=3, random_state=0)
    >>> model = Clusterer("Configurations/dec_gaussians.json", random_state=1)  # doctest: +SKIP
    >>> model.fit(X, y).run_.scores["acc"]  # doctest: +SKIP
    1.0
    """

    _PARAMETER_NAMES = ("method", "n_clusters", "seed", "random_state", "iterations_scale", "output")

    def __init__(self, method: MethodLike, n_clusters: Optional[int] = None, seed: Optional[int] = None,
                 random_state: Optional[int] = None, iterations_scale: Optional[float] = None,
                 output: str | os.PathLike | None = None, **overrides: Any):
        self.method = method
        self.n_clusters = n_clusters
        self.seed = seed
        self.random_state = random_state
        self.iterations_scale = iterations_scale
        self.output = output
        self._overrides = dict(overrides)

    # scikit-learn's parameter protocol, with the overrides as parameters of their own.

    def get_params(self, deep: bool = True) -> Dict[str, Any]:
        """The estimator's parameters: the named ones and every override.

        Parameters
        ----------
        deep : bool, default True
            Ignored (a Clusterer holds no other estimators).

        Returns
        -------
        dict
        """
        params = {name: getattr(self, name) for name in self._PARAMETER_NAMES}
        params.update(self._overrides)
        return params

    def set_params(self, **params: Any) -> "Clusterer":
        """Set parameters; a name that is not a named parameter is an override (see the class).

        Returns
        -------
        Clusterer
            This estimator.
        """
        for name, value in params.items():
            if name in self._PARAMETER_NAMES:
                setattr(self, name, value)
            else:
                self._overrides[name] = value
        return self

    def __sklearn_clone__(self):
        return type(self)(**self.get_params(deep=False))

    # Fitting and predicting.

    def _resolved_seed(self) -> Optional[int]:
        values = []
        for name in ("seed", "random_state"):
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
                raise ValueError(f"{name} must be a non-negative int or None (recombine seeds its own generators), got {value!r}")
            values.append(int(value))
        if len(set(values)) > 1:
            raise ValueError(f"seed={self.seed} and random_state={self.random_state} differ; random_state is another name for seed, give one")
        return values[0] if values else None

    def _check_X(self, X, fitted: bool) -> np.ndarray:
        X = np.asarray(X)
        if X.dtype == object or not np.issubdtype(X.dtype, np.number) or np.issubdtype(X.dtype, np.complexfloating):
            raise ValueError(f"X must be a numeric array, got dtype {X.dtype}")
        if X.ndim < 2:
            raise ValueError(f"X must be an array [n_samples, n_features...], got shape {X.shape}; reshape a single feature with X.reshape(-1, 1)")
        if X.shape[0] < 1 or int(np.prod(X.shape[1:])) < 1:
            raise ValueError(f"X has shape {X.shape}: no samples or no features")
        X = X.astype(np.float32)
        if not np.isfinite(X).all():
            raise ValueError("X holds NaN or infinite values (in float32)")
        if fitted:
            features = int(np.prod(X.shape[1:]))
            if features != self.n_features_in_:
                raise ValueError(f"X has {features} features, but the Clusterer was fitted on {self.n_features_in_}")
        return X

    def _n_clusters_overrides(self, method: Dict[str, Any]) -> Dict[str, Any]:
        if self.n_clusters is None:
            return {}
        k = self.n_clusters
        if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
            raise ValueError(f"n_clusters must be a positive int or None, got {k!r}")
        k = int(k)
        overrides = {f"/datasets/{i}/num_clusters": k for i in range(len(method.get("datasets", [])))}
        for j, mapping in enumerate(method.get("mappings", [])):
            if mapping.get("type") not in _CLASSIFIERS:
                continue
            layers = mapping.get("layers", [])
            last = max((i for i, layer in enumerate(layers) if layer.get("type") == "Linear"), default=None)
            if last is None:
                raise ValueError(f"n_clusters={k}: classifier mapping {mapping.get('name', mapping.get('type'))!r} has no Linear layer "
                                 "whose out_features could be set; set its output size with an override")
            overrides[f"/mappings/{j}/layers/{last}/out_features"] = k
            for i in range(last + 1, len(layers)):
                if layers[i].get("type") == "BatchNorm1d":
                    overrides[f"/mappings/{j}/layers/{i}/num_features"] = k
        return overrides

    def _workdir(self) -> Path:
        folder = getattr(self, "_folder", None)
        if folder is None or not Path(folder).is_dir():
            folder = tempfile.mkdtemp(prefix="recombine-clusterer-")
            weakref.finalize(self, shutil.rmtree, folder, True)
            self._folder = folder
        return Path(folder)

    def fit(self, X, y=None) -> "Clusterer":
        """Train the method on ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The data (higher-dimensional samples are flattened by recombine). Scale it as the
            method expects: recombine uses the values as they are.
        y : array-like of shape (n_samples,), optional
            True labels: only for recombine's ACC/NMI/ARI in ``run_.result``; never used in training.

        Returns
        -------
        Clusterer
            This estimator, fitted.

        Raises
        ------
        RecombineError
            When recombine rejects the method (e.g. its first layer does not take ``X``'s features)
            or training fails; it carries recombine's message and exit status.
        """
        X = self._check_X(X, fitted=False)
        seed = self._resolved_seed()
        method, base_directory = read_method(self.method)
        datasets = method.get("datasets")
        if not isinstance(datasets, list) or not datasets:
            raise ValueError("the method has no datasets list to put X into")
        work = Path(tempfile.mkdtemp(prefix="fit-", dir=self._workdir()))
        np.save(work / "X.npy", X)
        labels_path = None
        if y is not None:
            y = np.asarray(y)
            if y.shape != (X.shape[0],):
                raise ValueError(f"y must have shape ({X.shape[0]},), got {y.shape}")
            if not np.issubdtype(y.dtype, np.integer):
                y = np.unique(y, return_inverse=True)[1].reshape(-1)
            labels_path = work / "y.npy"
            np.save(labels_path, y.astype(np.int64))
        for i, entry in enumerate(datasets):
            replaced = {key: entry[key] for key in _COMMON_DATASET_KEYS if isinstance(entry, dict) and key in entry}
            replaced["name"] = replaced.get("name") or ("X" if len(datasets) == 1 else f"X_{i}")
            replaced.update({"dataset": "NPY", "path": os.fspath(work / "X.npy")})
            if labels_path is not None:
                replaced["labels_path"] = os.fspath(labels_path)
            datasets[i] = replaced
        overrides = self._n_clusters_overrides(method)
        overrides.update({override_pointer(name): value for name, value in self._overrides.items()})
        output = Path(self.output) if self.output is not None else work / "run"
        try:
            self.run_ = run(method, seed=seed, iterations_scale=self.iterations_scale, overrides=overrides, output=output,
                            base_directory=base_directory, report=False)
        finally:
            for name in ("X.npy", "y.npy"):
                (work / name).unlink(missing_ok=True)
        labels = self.run_.predictions
        if labels.shape != (X.shape[0],):
            raise RuntimeError(f"{self.run_.path}: predictions.csv holds {labels.shape[0]} samples, X {X.shape[0]} "
                               "(did the method score another dataset?)")
        self.labels_ = labels
        self.n_features_in_ = int(np.prod(X.shape[1:]))
        self.n_clusters_ = int(next((d["num_clusters"] for d in self.run_.method["datasets"] if "num_clusters" in d), 0))
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "run_"):
            try:
                from sklearn.exceptions import NotFittedError as error
            except ImportError:  # pragma: no cover
                error = RuntimeError
            raise error("this Clusterer is not fitted yet: call fit(X) first")

    def _predict(self, X, features: bool):
        self._check_fitted()
        X = self._check_X(X, fitted=True)
        with tempfile.TemporaryDirectory(prefix="predict-", dir=self._workdir()) as folder:
            folder = Path(folder)
            np.save(folder / "X.npy", X)
            arguments = ["predict", os.fspath(self.run_.path), os.fspath(folder / "X.npy"), "--out", os.fspath(folder / "clusters.csv")]
            if features:
                arguments += ["--features", os.fspath(folder / "features.npy")]
            run_binary(arguments)
            if features:
                return np.load(folder / "features.npy")
            with open(folder / "clusters.csv", newline="", encoding="utf-8") as handle:
                rows = list(csv.reader(handle))[1:]
            clusters = np.zeros(len(rows), dtype=np.int64)
            for index, cluster in ((int(r[0]), int(r[1])) for r in rows):
                clusters[index] = cluster
            return clusters

    def predict(self, X) -> np.ndarray:
        """The cluster of each sample of ``X`` under the fitted mappings and strategy (``recombine predict``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        numpy.ndarray of shape (n_samples,), int64
        """
        return self._predict(X, features=False)

    def transform(self, X) -> np.ndarray:
        """The feature extractor's output for each sample of ``X`` (what the strategy clusters).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        numpy.ndarray of shape (n_samples, n_features_out), float32
        """
        return self._predict(X, features=True)

    def fit_predict(self, X, y=None) -> np.ndarray:
        """Fit on ``X`` and return ``labels_``."""
        return self.fit(X, y).labels_

    def fit_transform(self, X, y=None) -> np.ndarray:
        """Fit on ``X`` and return ``transform(X)``."""
        return self.fit(X, y).transform(X)
