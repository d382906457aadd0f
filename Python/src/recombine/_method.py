"""Method files given as paths or dicts, and ``--set`` overrides."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any, List, Mapping, Tuple, Union

MethodLike = Union[str, os.PathLike, Mapping[str, Any]]


def is_method_dict(method: MethodLike) -> bool:
    """Whether ``method`` is a method given as a mapping (rather than a path)."""
    return isinstance(method, Mapping)


def read_method(method: MethodLike) -> Tuple[dict, Path]:
    """Return a method as a fresh dict and the directory its relative paths resolve against.

    Parameters
    ----------
    method : path-like or mapping
        A method file, or a method as a dict.

    Returns
    -------
    method : dict
        A deep copy; editing it leaves ``method`` untouched.
    base_directory : pathlib.Path
        The file's directory for a path, the current directory for a dict (absolute).

    Raises
    ------
    FileNotFoundError
        When the file does not exist.
    ValueError
        When the file is not JSON, or its top level is not an object.
    TypeError
        When ``method`` is neither a path nor a mapping.
    """
    if is_method_dict(method):
        return copy.deepcopy(dict(method)), Path.cwd()
    if not isinstance(method, (str, os.PathLike)):
        raise TypeError(f"method must be a path to a method file or a dict, not {type(method).__name__}")
    path = Path(method)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(f"method file {path} not found") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}:{error.lineno}:{error.colno}: not JSON ({error.msg})") from None
    if not isinstance(document, dict):
        raise ValueError(f"{path}: expected a JSON object at the top level, found {type(document).__name__}")
    return document, path.resolve().parent


def write_method(method: Mapping[str, Any], folder: str | os.PathLike) -> Path:
    """Write ``method`` as ``method.json`` in ``folder`` and return the file's path."""
    path = Path(folder) / "method.json"
    path.write_text(json.dumps(method, indent=2), encoding="utf-8")
    return path


def override_pointer(name: str) -> str:
    """The JSON pointer an override name stands for.

    A name starting with ``/`` is a JSON pointer already; otherwise ``__`` separates its tokens, as
    scikit-learn spells nested parameters: ``phases__0__exit_criteria__epochs`` is
    ``/phases/0/exit_criteria/epochs``.
    """
    return name if name.startswith("/") else "/" + name.replace("__", "/")


def override_arguments(overrides: Mapping[str, Any] | None) -> List[str]:
    """``--set POINTER=JSON`` arguments for recombine, one pair per override, in the mapping's order."""
    arguments: List[str] = []
    for name, value in (overrides or {}).items():
        arguments.append(f"--set={override_pointer(name)}={json.dumps(value)}")
    return arguments
