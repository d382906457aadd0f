"""Exceptions raised by the recombine package."""

from __future__ import annotations

from typing import Sequence


class RecombineError(RuntimeError):
    """The ``recombine`` binary exited with a non-zero status.

    Parameters
    ----------
    command : sequence of str
        The command line that was run.
    returncode : int
        The binary's exit status (1: the method failed or was rejected, 2: a usage error).
    stderr : str
        What the binary wrote to standard error: its messages naming the file, the JSON pointer,
        what was expected and what was found.

    Attributes
    ----------
    command, returncode, stderr
        As given.
    """

    def __init__(self, command: Sequence[str], returncode: int, stderr: str):
        self.command = list(command)
        self.returncode = returncode
        self.stderr = stderr
        message = stderr.strip() or "(no message on standard error)"
        super().__init__(f"recombine {' '.join(self.command[1:2])} exited with status {returncode}:\n{message}")


class BinaryNotFoundError(FileNotFoundError):
    """The ``recombine`` binary is not where ``RECOMBINE_BIN`` points, nor on ``PATH``."""
