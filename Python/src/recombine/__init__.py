"""Python interface to recombine, deep-learning clustering from JSON method files.

The package drives the ``recombine`` binary (``RECOMBINE_BIN``, else ``PATH``) and reads the run
directories it writes; it computes nothing itself.

- :func:`run` trains a method (a file or a dict) and returns a :class:`Run`.
- :class:`Run` reads a run directory: ``result``, ``metrics``, ``predictions``, ``report_path``,
  ``load_mapping(name)`` (a ``torch.nn.Module`` with the run's weights).
- :class:`Clusterer` is a scikit-learn style estimator over arrays.
- :func:`sweep` runs method files × grid points × seeds and returns the leaderboard;
  :func:`sweep_leaderboard` tabulates any folder of runs.
"""

from ._binary import find_binary
from ._clusterer import Clusterer
from ._errors import BinaryNotFoundError, RecombineError
from ._run import Run, run
from ._sweep import sweep, sweep_leaderboard

__all__ = ["BinaryNotFoundError", "Clusterer", "RecombineError", "Run", "find_binary", "run", "sweep", "sweep_leaderboard"]
__version__ = "0.1.0"
