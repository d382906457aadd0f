"""Printing reference values as Swift literals, shared by the oracle scripts.

Every float is printed with repr (the shortest text that reads back as the same float64), so a
literal pasted into a test is the reference value exactly.
"""
import math
import os
import sys

WIDTH = 110  # characters of values per line of a long literal


def number(value):
    """A Swift literal for one float64 (NaN and infinities as Double's static members), or an integer."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    value = float(value)
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".infinity" if value > 0 else "-.infinity"
    return repr(value)


def flatten(values):
    """The values of a scalar, a nested list, a NumPy array or a torch tensor, in row-major order."""
    if hasattr(values, "detach"):
        values = values.detach().cpu().numpy()
    if hasattr(values, "ravel"):
        integral = values.dtype.kind in "iu"
        return [int(v) if integral else float(v) for v in values.ravel()]
    if isinstance(values, (list, tuple)):
        return [v for item in values for v in flatten(item)]
    return [values if isinstance(values, int) else float(values)]


def literal(values):
    """A Swift [Double] literal, wrapped before a line of values grows past WIDTH characters."""
    lines = [[]]
    for text in (number(v) for v in flatten(values)):
        if lines[-1] and len(", ".join(lines[-1] + [text])) > WIDTH:
            lines.append([])
        lines[-1].append(text)
    return "[" + ",\n ".join(", ".join(line) for line in lines) + "]"


def header(*modules):
    """The script's name and the versions of the libraries that computed its values."""
    used = ", ".join(f"{m.__name__} {m.__version__}" for m in modules)
    print(f"// Scripts/oracles/{os.path.basename(sys.argv[0])} — {used}, Python {sys.version.split()[0]}")


def test(name):
    """Starts the block of values for one test (Class.testName)."""
    print(f"\n// {name}")


def show(label, values):
    """Prints one value (as a number) or tensor (as a [Double] literal, with its shape) under a label."""
    shape = tuple(getattr(values, "shape", ()))
    flat = flatten(values)
    if len(flat) == 1 and not shape:
        print(f"{label}: {number(flat[0])}")
    else:
        suffix = f" shape {list(shape)}" if shape else ""
        print(f"{label}{suffix}:\n{literal(flat)}")
