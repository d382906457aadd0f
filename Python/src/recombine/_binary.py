"""Finding and running the ``recombine`` binary."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Sequence

from ._errors import BinaryNotFoundError, RecombineError

ENVIRONMENT_VARIABLE = "RECOMBINE_BIN"


def find_binary() -> Path:
    """Return the path of the ``recombine`` executable.

    ``RECOMBINE_BIN`` is used when set (it must name an executable file); otherwise ``recombine`` is
    looked up on ``PATH``.

    Returns
    -------
    pathlib.Path
        The executable.

    Raises
    ------
    BinaryNotFoundError
        When ``RECOMBINE_BIN`` names no executable file, or it is unset and ``PATH`` has no
        ``recombine``.
    """
    configured = os.environ.get(ENVIRONMENT_VARIABLE)
    if configured:
        path = Path(configured).expanduser()
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise BinaryNotFoundError(
                f"{ENVIRONMENT_VARIABLE}={configured} is not an executable file; point it at the recombine "
                "binary (e.g. .build/release/recombine after `swift build -c release`)"
            )
        return path.resolve()
    found = shutil.which("recombine")
    if found is None:
        raise BinaryNotFoundError(
            "the recombine binary was not found: set RECOMBINE_BIN to its path or put it on PATH "
            "(build it with `swift build -c release`; it is .build/release/recombine)"
        )
    return Path(found).resolve()


def run_binary(arguments: Sequence[str], *, cwd: str | os.PathLike | None = None) -> subprocess.CompletedProcess:
    """Run ``recombine ARGUMENTS`` and return the completed process (standard output and error as text).

    Parameters
    ----------
    arguments : sequence of str
        The arguments after the binary's name, e.g. ``["run", "method.json", "--quiet"]``.
    cwd : path-like, optional
        Working directory of the process (default: the current one).

    Returns
    -------
    subprocess.CompletedProcess
        With ``stdout`` and ``stderr`` as text.

    Raises
    ------
    RecombineError
        When the binary exits with a non-zero status; it carries the status and standard error.
    BinaryNotFoundError
        When the binary cannot be found.
    """
    command = [str(find_binary()), *map(str, arguments)]
    completed = subprocess.run(command, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if completed.returncode != 0:
        raise RecombineError(command, completed.returncode, completed.stderr)
    return completed
